import { sql, type SQL } from 'drizzle-orm';
import { rows, type Tx } from '../../db/client.js';
import { openAnswerText } from './answer-text.js';
import { inAudienceSql } from './surveys.service.js';

/**
 * The aggregation queries behind results and trends. Every figure is computed by PostgreSQL;
 * Node only ever receives counts, means and (above the comment threshold) comment texts in
 * random order. No query here returns an answer row's id or a person.
 */

export interface Population {
  tenantId: string;
  surveyId: string;
  /** Rounds to read (one for results, all opened ones for a trend). */
  rounds: number[];
  team: string | null;
  /** A manager id: respondents whose manager chain (recorded at answer time) holds it. */
  manager: string | null;
}

export interface Stats {
  n: number;
  mean: number | null;
  top2: number;
  promoters: number;
  passives: number;
  detractors: number;
}

/** Restricts responses `r` to the population. */
function where(p: Population): SQL {
  return sql`r.tenant_id = ${p.tenantId} and r.survey_id = ${p.surveyId} and r.round = any(${toIntArray(p.rounds)})
    ${p.team !== null ? sql`and r.team = ${p.team}` : sql``}
    ${p.manager !== null ? sql`and r.managers @> array[${p.manager}]::uuid[]` : sql``}`;
}

const toIntArray = (values: number[]) => sql`array[${sql.join(values.map((v) => sql`${v}`), sql`, `)}]::int[]`;

/**
 * The group key of response `r` in a breakdown. By team: the team ('' for none). By manager,
 * under the filter's manager X: X itself for X's direct reports, else the manager right below X
 * on the respondent's chain (that manager's whole reporting line); with no manager filter, the
 * top of the chain ('' for people without a manager). The groups partition the population.
 */
export function groupKey(by: 'team' | 'manager' | 'round', manager: string | null): SQL {
  if (by === 'round') return sql`r.round::text`;
  if (by === 'team') return sql`coalesce(r.team, '')`;
  if (manager === null) return sql`coalesce(r.managers[cardinality(r.managers)]::text, '')`;
  return sql`(case when r.managers[1] = ${manager}::uuid then ${manager}::text
                  else r.managers[array_position(r.managers, ${manager}::uuid) - 1]::text end)`;
}

/** Respondents of the round split by what a differencing observer could also query. */
export async function populationCounts(tx: Tx, p: Population) {
  const base: Population = { ...p, team: null, manager: null };
  const [row] = await rows<{ all: number; team: number; line: number; population: number }>(
    tx,
    sql`select count(*)::int as "all",
               count(*) filter (where ${p.team === null ? sql`true` : sql`r.team = ${p.team}`})::int as team,
               count(*) filter (where ${p.manager === null ? sql`true` : sql`r.managers @> array[${p.manager}]::uuid[]`})::int as line,
               count(*) filter (where ${p.team === null ? sql`true` : sql`r.team = ${p.team}`}
                                  and ${p.manager === null ? sql`true` : sql`r.managers @> array[${p.manager}]::uuid[]`})::int as population
          from app.survey_responses r where ${where(base)}`,
  );
  return row ?? { all: 0, team: 0, line: 0, population: 0 };
}

/** Respondents per group key. */
export async function respondentsBy(tx: Tx, p: Population, key: SQL): Promise<Map<string, number>> {
  const result = await rows<{ key: string; n: number }>(
    tx,
    sql`select ${key} as key, count(*)::int as n from app.survey_responses r where ${where(p)} group by 1`,
  );
  return new Map(result.map((r) => [r.key, Number(r.n)]));
}

/**
 * Per group key and question: answers, mean and the counts favourability and eNPS are made of
 * (top2 = 4–5, promoters 9–10, passives 7–8, detractors 0–6; each meaningful for its type only).
 */
export async function statsBy(tx: Tx, p: Population, key: SQL): Promise<Map<string, Map<string, Stats>>> {
  const result = await rows<{ key: string; question_id: string } & Record<keyof Stats, number | string | null>>(
    tx,
    sql`select ${key} as key, a.question_id, count(*)::int as n,
               round(avg(a.value), 2)::float8 as mean,
               count(*) filter (where a.value >= 4)::int as top2,
               count(*) filter (where a.value >= 9)::int as promoters,
               count(*) filter (where a.value between 7 and 8)::int as passives,
               count(*) filter (where a.value <= 6)::int as detractors
          from app.survey_answers a
          join app.survey_responses r on r.tenant_id = a.tenant_id and r.id = a.response_id
         where a.tenant_id = ${p.tenantId} and a.survey_id = ${p.surveyId} and a.round = any(${toIntArray(p.rounds)}) and ${where(p)}
         group by 1, 2`,
  );
  const out = new Map<string, Map<string, Stats>>();
  for (const r of result) {
    const byQuestion = out.get(r.key) ?? new Map<string, Stats>();
    byQuestion.set(r.question_id, {
      n: Number(r.n),
      mean: r.mean === null ? null : Number(r.mean),
      top2: Number(r.top2),
      promoters: Number(r.promoters),
      passives: Number(r.passives),
      detractors: Number(r.detractors),
    });
    out.set(r.key, byQuestion);
  }
  return out;
}

/** How many answers each value (scale point or option index) got, per question. */
export async function distribution(tx: Tx, p: Population): Promise<Map<string, Map<number, number>>> {
  const result = await rows<{ question_id: string; v: number; n: number }>(
    tx,
    sql`select a.question_id, d.v::int as v, count(*)::int as n
          from app.survey_answers a
          join app.survey_responses r on r.tenant_id = a.tenant_id and r.id = a.response_id
          cross join lateral unnest(coalesce(a.choices, array[a.value])) as d(v)
         where a.tenant_id = ${p.tenantId} and a.survey_id = ${p.surveyId} and a.round = any(${toIntArray(p.rounds)}) and ${where(p)}
           and a.text is null and d.v is not null
         group by 1, 2`,
  );
  const out = new Map<string, Map<number, number>>();
  for (const r of result) {
    const m = out.get(r.question_id) ?? new Map<number, number>();
    m.set(Number(r.v), Number(r.n));
    out.set(r.question_id, m);
  }
  return out;
}

/** The texts of a question, shuffled by the database; only called once the thresholds allow it. */
export async function comments(tx: Tx, p: Population, questionId: string): Promise<string[]> {
  const result = await rows<{ text: string }>(
    tx,
    sql`select a.text from app.survey_answers a
          join app.survey_responses r on r.tenant_id = a.tenant_id and r.id = a.response_id
         where a.tenant_id = ${p.tenantId} and a.survey_id = ${p.surveyId} and a.round = any(${toIntArray(p.rounds)}) and ${where(p)}
           and a.question_id = ${questionId} and a.text is not null
         order by random()`,
  );
  return result.map((r) => openAnswerText(p.tenantId, r.text));
}

/** People in the audience now, in the filter's team and reporting line (invited = this). */
export async function invitedCount(tx: Tx, p: Population): Promise<number> {
  const line =
    p.manager === null
      ? sql``
      : sql`and me.id in (with recursive line(id, depth) as (
              select id, 1 from app.people where tenant_id = ${p.tenantId} and manager_id = ${p.manager}
              union all
              select x.id, l.depth + 1 from app.people x join line l on x.tenant_id = ${p.tenantId} and x.manager_id = l.id where l.depth < 64)
            select id from line)`;
  const [row] = await rows<{ n: number }>(
    tx,
    sql`select count(*)::int as n from app.surveys s join app.people me on me.tenant_id = s.tenant_id
         where s.tenant_id = ${p.tenantId} and s.id = ${p.surveyId}
           and ${inAudienceSql(sql`s`, sql`me`)}
           ${p.team !== null ? sql`and me.team = ${p.team}` : sql``} ${line}`,
  );
  return Number(row?.n ?? 0);
}

/** Whether `personId` is in `managerId`'s reporting line (directly or below). */
export async function inLineOf(tx: Tx, tenantId: string, managerId: string, personId: string): Promise<boolean> {
  const [row] = await rows<{ ok: boolean }>(
    tx,
    sql`with recursive up(id, manager_id, depth) as (
          select id, manager_id, 0 from app.people where tenant_id = ${tenantId} and id = ${personId}
          union all
          select m.id, m.manager_id, u.depth + 1 from app.people m join up u on m.tenant_id = ${tenantId} and m.id = u.manager_id where u.depth < 64)
        select exists (select 1 from up where depth > 0 and id = ${managerId}) as ok`,
  );
  return row?.ok === true;
}

export async function namesOf(tx: Tx, tenantId: string, ids: string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const result = await rows<{ id: string; name: string }>(
    tx,
    sql`select id, name from app.people where tenant_id = ${tenantId} and id = any(${sql`array[${sql.join(ids.map((i) => sql`${i}`), sql`, `)}]::uuid[]`})`,
  );
  return new Map(result.map((r) => [r.id, r.name]));
}
