import { sql, type SQL } from 'drizzle-orm';
import { rows, type Tx } from '../../db/client.js';
import type { TenantFields } from '../../security/field-cipher.js';
import { openAnswerText } from './answer-text.js';
import type { Audience } from './surveys.schemas.js';

/**
 * The aggregation queries behind results and trends. PostgreSQL does the counting; Node only
 * ever receives counts (per group, question and value: at most 11 values a question) and, above
 * the comment threshold, comment texts in random order, and derives means and percentages from
 * those counts. No query here returns an answer row, its id or a person.
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

/** Answers per value, per group key and question: every figure of a question derives from these. */
export type ValueCounts = Map<string, Map<string, Map<number | null, number>>>;

/**
 * Restricts `x` (a response or an answer row: both carry the group attributes) to the
 * population.
 */
function where(p: Population): SQL {
  return sql`x.tenant_id = ${p.tenantId} and x.survey_id = ${p.surveyId} and x.round = any(${toIntArray(p.rounds)})
    ${p.team !== null ? sql`and x.team = ${p.team}` : sql``}
    ${p.manager !== null ? sql`and x.managers @> array[${p.manager}]::uuid[]` : sql``}`;
}

const toIntArray = (values: number[]) => sql`array[${sql.join(values.map((v) => sql`${v}`), sql`, `)}]::int[]`;

/**
 * The group key of row `x` in a breakdown. By team: the team ('' for none). By manager, below a
 * root manager R (the filter's manager, or the one top of every chain when there is no filter):
 * R itself for R's direct reports, else the manager right below R on the respondent's chain
 * (that manager's whole reporting line), and '' for people above or beside R (no manager). With
 * no root, the top of each chain. The groups partition the population; no key is ever NULL.
 */
export function groupKey(by: 'team' | 'manager' | 'round' | 'none', root: string | null): SQL {
  if (by === 'none') return sql`''`;
  if (by === 'round') return sql`x.round::text`;
  if (by === 'team') return sql`coalesce(x.team, '')`;
  if (root === null) return sql`coalesce(x.managers[cardinality(x.managers)]::text, '')`;
  return sql`coalesce(case when x.managers[1] = ${root}::uuid then ${root}::text
                           else x.managers[array_position(x.managers, ${root}::uuid) - 1]::text end, '')`;
}

/**
 * Where a manager breakdown starts: the filter's manager, else the single manager at the top of
 * every respondent's chain (a company with one CEO), so that the groups are the lines below them
 * rather than one line holding everyone; null when the chains have several tops.
 */
export async function managerRoot(tx: Tx, p: Population): Promise<string | null> {
  if (p.manager !== null) return p.manager;
  const tops = await rows<{ top: string }>(
    tx,
    sql`select distinct x.managers[cardinality(x.managers)]::text as top from app.survey_responses x
         where ${where(p)} and cardinality(x.managers) > 0 limit 2`,
  );
  return tops.length === 1 ? tops[0]!.top : null;
}

/** Respondents of the round split by what a differencing observer could also query. */
export async function populationCounts(tx: Tx, p: Population) {
  const base: Population = { ...p, team: null, manager: null };
  const inTeam = p.team === null ? sql`true` : sql`x.team = ${p.team}`;
  const inLine = p.manager === null ? sql`true` : sql`x.managers @> array[${p.manager}]::uuid[]`;
  const [row] = await rows<{ all: number; team: number; line: number; population: number }>(
    tx,
    sql`select count(*)::int as "all", count(*) filter (where ${inTeam})::int as team,
               count(*) filter (where ${inLine})::int as line, count(*) filter (where ${inTeam} and ${inLine})::int as population
          from app.survey_responses x where ${where(base)}`,
  );
  return row ?? { all: 0, team: 0, line: 0, population: 0 };
}

/** Respondents per group key. */
export async function respondentsBy(tx: Tx, p: Population, key: SQL): Promise<Map<string, number>> {
  const result = await rows<{ key: string; n: number }>(
    tx,
    sql`select ${key} as key, count(*)::int as n from app.survey_responses x where ${where(p)} group by 1`,
  );
  return new Map(result.map((r) => [r.key, Number(r.n)]));
}

/** The key under which `valueCounts(…, { total: true })` files the whole population's counts. */
export const TOTAL = '\u0000total';

/**
 * How many answers each value got, per group key and question, in one pass over the answers
 * (scale point or option index; null for text and multiple-choice answers, counted all the same).
 * With `total`, the same pass also counts the whole population (a grouping set), under TOTAL.
 * No group key is ever NULL (see groupKey), so NULL marks the total rows.
 */
export async function valueCounts(tx: Tx, p: Population, key: SQL, options: { total?: boolean } = {}): Promise<ValueCounts> {
  const result = await rows<{ key: string | null; question_id: string; value: number | null; n: number }>(
    tx,
    sql`select ${key} as key, x.question_id, x.value, count(*)::int as n
          from app.survey_answers x where ${where(p)}
         group by ${options.total ? sql`grouping sets ((1, 2, 3), (2, 3))` : sql`1, 2, 3`}`,
  );
  return nest(result.map((r) => ({ ...r, key: r.key ?? TOTAL })));
}

/** Multiple choice: how many answers picked each option, per group key and question. */
export async function choiceCounts(tx: Tx, p: Population, key: SQL): Promise<ValueCounts> {
  const result = await rows<{ key: string; question_id: string; value: number; n: number }>(
    tx,
    sql`select ${key} as key, x.question_id, c.v as value, count(*)::int as n
          from app.survey_answers x cross join lateral unnest(x.choices) as c(v)
         where ${where(p)} and x.choices is not null group by 1, 2, 3`,
  );
  return nest(result);
}

function nest(result: Array<{ key: string; question_id: string; value: number | null; n: number }>): ValueCounts {
  const out: ValueCounts = new Map();
  for (const r of result) {
    const byQuestion = out.get(r.key) ?? new Map<string, Map<number | null, number>>();
    const byValue = byQuestion.get(r.question_id) ?? new Map<number | null, number>();
    byValue.set(r.value === null ? null : Number(r.value), Number(r.n));
    byQuestion.set(r.question_id, byValue);
    out.set(r.key, byQuestion);
  }
  return out;
}

/** The texts of a question, shuffled by the database; only called once the thresholds allow it. */
export async function comments(tx: Tx, p: Population, questionId: string, fields: TenantFields): Promise<string[]> {
  const result = await rows<{ text: string; round: number }>(
    tx,
    sql`select x.text, x.round from app.survey_answers x
         where ${where(p)} and x.question_id = ${questionId} and x.text is not null
         order by random()`,
  );
  // A comment that does not open is left out (the cipher records it), never shown as ciphertext.
  return result.flatMap((r) => openAnswerText(fields, { surveyId: p.surveyId, round: Number(r.round), questionId }, r.text) ?? []);
}

/**
 * People in the audience now, in the filter's team and reporting line (invited = this). The
 * audience's teams or people are a hashed semi-join, not a containment test per person: an
 * audience may list 10,000 people.
 */
export async function invitedCount(tx: Tx, p: Population, audience: Audience['kind']): Promise<number> {
  const listed = (path: string) =>
    sql`(select jsonb_array_elements_text(s.audience->${path}) from app.surveys s where s.tenant_id = ${p.tenantId} and s.id = ${p.surveyId})`;
  const inAudience = audience === 'tenant' ? sql`` : audience === 'teams' ? sql`and me.team in ${listed('teams')}` : sql`and me.id::text in ${listed('personIds')}`;
  // The line walked down level by level; UNION (not ALL) also ends a cycle in the directory.
  const inLine =
    p.manager === null
      ? sql``
      : sql`and me.id in (with recursive line(id) as (
              select id from app.people where tenant_id = ${p.tenantId} and manager_id = ${p.manager}
              union
              select x.id from app.people x join line l on x.manager_id = l.id where x.tenant_id = ${p.tenantId})
            select id from line)`;
  // Who took part in the population's rounds was invited then, whatever the directory says now
  // (moved team, erased to a tombstone): counted, so a rate never exceeds what happened.
  const tookPart = sql`me.id in (select pp.person_id from app.survey_participation pp
    where pp.tenant_id = ${p.tenantId} and pp.survey_id = ${p.surveyId} and pp.round = any(${toIntArray(p.rounds)}))`;
  const [row] = await rows<{ n: number }>(
    tx,
    sql`select count(*)::int as n from app.people me
         where me.tenant_id = ${p.tenantId}
           and ((me.erased_at is null ${inAudience}) or ${tookPart})
           ${p.team !== null ? sql`and me.team = ${p.team}` : sql``} ${inLine}`,
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
