import type { TenantFields } from '../../security/field-cipher.js';
import type { Tx } from '../../db/client.js';
import { Problem } from '../../http/problems.js';
import { openedRounds } from './rounds.js';
import {
  choiceCounts,
  comments,
  groupKey,
  inLineOf,
  managerRoot,
  invitedCount,
  namesOf,
  populationCounts,
  respondentsBy,
  TOTAL,
  valueCounts,
  type Population,
  type ValueCounts,
} from './results.sql.js';
import { commentsHidden, percent, populationHidden, suppressChildren } from './suppression.js';
import { loadSurvey, scheduleOf, type Caller, type SurveyRow } from './surveys.service.js';
import type { GroupResult, HiddenReason, Question, QuestionFigures, QuestionResult, Results, ResultsQuery, Round, Trend } from './surveys.schemas.js';

/**
 * Results and trends: figures from results.sql.ts, shown only where suppression.ts allows.
 * Managers (role `manager`) see their own reporting line: the manager filter is forced to them,
 * and naming a manager outside their line is refused (403), not silently widened.
 */
async function scope(tx: Tx, caller: Caller, query: Pick<ResultsQuery, 'team' | 'manager'>): Promise<{ team: string | null; manager: string | null }> {
  const team = query.team ?? null;
  const viewer = caller.viewer;
  if (!viewer || viewer.role === 'hr_admin' || viewer.role === 'admin') return { team, manager: query.manager ?? null };
  const manager = query.manager ?? viewer.id;
  if (manager !== viewer.id && !(await inLineOf(tx, caller.tenantId, viewer.id, manager))) {
    throw new Problem('forbidden', 'You may see results of your own reporting line only.');
  }
  return { team, manager };
}

async function load(tx: Tx, caller: Caller, id: string): Promise<{ survey: SurveyRow; rounds: Round[] } | undefined> {
  const survey = await loadSurvey(tx, caller.tenantId, id);
  if (!survey) return undefined;
  const rounds = openedRounds(scheduleOf(survey), new Date());
  if (rounds.length === 0) throw new Problem('survey-not-open', 'No round of this survey has opened yet.');
  return { survey, rounds };
}

const numeric = (q: Question) => q.type !== 'text';

/** What a question's figures are made of: top2 = 4–5, promoters 9–10, passives 7–8, detractors 0–6. */
interface Stats {
  n: number;
  mean: number | null;
  top2: number;
  promoters: number;
  passives: number;
  detractors: number;
}

/** A question's figures from its answers per value (aggregated by PostgreSQL: results.sql.ts). */
function statsOf(values: Map<number | null, number> | undefined): Stats | undefined {
  if (!values) return undefined;
  const s: Stats = { n: 0, mean: null, top2: 0, promoters: 0, passives: 0, detractors: 0 };
  let sum = 0;
  let scored = 0;
  for (const [value, count] of values) {
    s.n += count;
    if (value === null) continue;
    sum += value * count;
    scored += count;
    if (value >= 4) s.top2 += count;
    if (value >= 9) s.promoters += count;
    else if (value >= 7) s.passives += count;
    else s.detractors += count;
  }
  s.mean = scored === 0 ? null : Math.round((sum / scored) * 100) / 100;
  return s;
}

const statsIn = (counts: ValueCounts, key: string, questionId: string) => statsOf(counts.get(key)?.get(questionId));

function figures(q: Question, s: Stats | undefined, k: number): QuestionFigures {
  if (!s || s.n < k) return { questionId: q.id, mean: null, favourability: null, enps: null };
  return {
    questionId: q.id,
    mean: q.type === 'likert' || q.type === 'enps' ? s.mean : null,
    favourability: q.type === 'likert' ? percent(s.top2, s.n) : null,
    enps: q.type === 'enps' ? percent(s.promoters - s.detractors, s.n) : null,
  };
}

function scale(q: Question): Array<{ value: number; label: string | null }> {
  if (q.type === 'likert') return [1, 2, 3, 4, 5].map((value) => ({ value, label: null }));
  if (q.type === 'enps') return Array.from({ length: 11 }, (_, value) => ({ value, label: null }));
  return (q.options ?? []).map((label, value) => ({ value, label }));
}

async function questionResult(
  tx: Tx,
  p: Population,
  survey: SurveyRow,
  q: Question,
  s: Stats | undefined,
  counts: Map<number | null, number> | undefined,
  respondents: number,
  fields: TenantFields | undefined,
): Promise<QuestionResult> {
  const n = s?.n ?? 0;
  const k = survey.anonymityThreshold;
  const hidden: HiddenReason | null = n < k ? 'below_threshold' : null;
  const f = figures(q, s, k);
  let commentResult: QuestionResult['comments'] = null;
  if (q.type === 'text') {
    const why = commentsHidden(respondents, n, survey.commentThreshold);
    if (!why && !fields) throw new Error('Comments need the tenant fields to open them');
    commentResult = { hidden: why, items: why ? [] : await comments(tx, p, q.id, fields!) };
  }
  return {
    questionId: q.id,
    type: q.type,
    prompt: q.prompt,
    responses: hidden ? null : n,
    hidden,
    distribution: hidden || q.type === 'text' ? null : scale(q).map((d) => ({ ...d, count: counts?.get(d.value) ?? 0 })),
    mean: f.mean,
    favourability: f.favourability,
    enps:
      hidden || q.type !== 'enps'
        ? null
        : { score: f.enps!, promoters: percent(s!.promoters, n)!, passives: percent(s!.passives, n)!, detractors: percent(s!.detractors, n)! },
    comments: commentResult,
  };
}

/** `counts`: the answers per value by the breakdown's group key (from the same pass as the totals). */
async function breakdown(tx: Tx, p: Population, survey: SurveyRow, by: 'team' | 'manager', root: string | null, counts: ValueCounts): Promise<Results['breakdown']> {
  const k = survey.anonymityThreshold;
  const respondents = await respondentsBy(tx, p, groupKey(by, root));
  const hidden = suppressChildren(respondents, k);
  const names = by === 'manager' ? await namesOf(tx, p.tenantId, [...respondents.keys()].filter((key) => key !== '')) : new Map<string, string>();
  const label = (key: string) => {
    if (by === 'team') return key === '' ? '(no team)' : key;
    if (key === '') return '(no manager)';
    const name = names.get(key) ?? key;
    return key === root ? `${name} (direct reports)` : name;
  };
  const groups: GroupResult[] = [...respondents.keys()]
    .sort((a, b) => label(a).localeCompare(label(b)))
    .map((key) => {
      const why = hidden.get(key) ?? null;
      return {
        key,
        label: label(key),
        respondents: why ? null : respondents.get(key)!,
        hidden: why,
        questions: why ? [] : survey.questions.filter(numeric).map((q) => figures(q, statsIn(counts, key, q.id), k)),
      };
    });
  return { by, groups };
}

export async function surveyResults(tx: Tx, caller: Caller, id: string, query: ResultsQuery): Promise<Results | undefined> {
  const loaded = await load(tx, caller, id);
  if (!loaded) return undefined;
  const { survey, rounds } = loaded;
  const round = query.round === undefined ? rounds.at(-1)! : rounds.find((r) => r.number === query.round);
  if (!round) throw new Problem('not-found', `Round ${query.round} has not opened.`);
  const filter = await scope(tx, caller, query);
  const p: Population = { tenantId: caller.tenantId, surveyId: id, rounds: [round.number], ...filter };
  const k = survey.anonymityThreshold;
  const counts = await populationCounts(tx, p);
  const hidden = populationHidden(counts, { team: filter.team !== null, manager: filter.manager !== null }, k);
  // Filters apply today's team and line to the invited but answer-time groups to the answers:
  // someone who moved since answering is counted in one and not the other. Never fewer invited
  // than answered.
  const invited = Math.max(await invitedCount(tx, p, survey.audience.kind), counts.population);
  const base = {
    surveyId: id,
    round,
    rounds,
    thresholds: { anonymity: k, comments: survey.commentThreshold },
    filter,
    participation: { invited, responded: counts.population, rate: Math.min(100, percent(counts.population, invited) ?? 0) },
    hidden,
  };
  if (hidden) return { ...base, questions: [], breakdown: null };
  // One pass over the answers: by the breakdown's groups and, as a grouping set, in total.
  const root = query.groupBy === 'manager' ? await managerRoot(tx, p) : null;
  const values = query.groupBy
    ? await valueCounts(tx, p, groupKey(query.groupBy, root), { total: true })
    : new Map([[TOTAL, (await valueCounts(tx, p, groupKey('none', null))).get('') ?? new Map()]]);
  const choices = survey.questions.some((q) => q.type === 'multiple_choice') ? await choiceCounts(tx, p, groupKey('none', null)) : new Map();
  const questions: QuestionResult[] = [];
  for (const q of survey.questions) {
    const perValue = q.type === 'multiple_choice' ? choices.get('')?.get(q.id) : values.get(TOTAL)?.get(q.id);
    questions.push(await questionResult(tx, p, survey, q, statsIn(values, TOTAL, q.id), perValue, counts.population, caller.fields));
  }
  return { ...base, questions, breakdown: query.groupBy ? await breakdown(tx, p, survey, query.groupBy, root, values) : null };
}

export async function surveyTrend(tx: Tx, caller: Caller, id: string, query: Pick<ResultsQuery, 'team' | 'manager'>): Promise<Trend | undefined> {
  const loaded = await load(tx, caller, id);
  if (!loaded) return undefined;
  const { survey, rounds } = loaded;
  const filter = await scope(tx, caller, query);
  const k = survey.anonymityThreshold;
  const p: Population = { tenantId: caller.tenantId, surveyId: id, rounds: rounds.map((r) => r.number), ...filter };
  const values = await valueCounts(tx, p, groupKey('round', null));
  const out: Trend['rounds'] = [];
  for (const round of rounds) {
    const counts = await populationCounts(tx, { ...p, rounds: [round.number] });
    const hidden = populationHidden(counts, { team: filter.team !== null, manager: filter.manager !== null }, k);
    out.push({
      ...round,
      respondents: hidden ? null : counts.population,
      hidden,
      questions: hidden ? [] : survey.questions.filter(numeric).map((q) => figures(q, statsIn(values, String(round.number), q.id), k)),
    });
  }
  return { surveyId: id, rounds: out };
}
