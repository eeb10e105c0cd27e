import { and, eq, inArray, sql } from 'drizzle-orm';
import { v7 as uuidv7 } from 'uuid';
import { rows, type Tx } from '../../db/client.js';
import { companyValues } from '../../db/schema/company-values.js';
import { people, personSearchTerms } from '../../db/schema/people.js';
import { Problem } from '../../http/problems.js';
import { PersonInput, type CompanyValue, type PersonMatch } from './people.schemas.js';

export interface RowError {
  index: number;
  externalId: string | null;
  errors: Array<{ path: string; message: string }>;
}

/**
 * Creates or updates people by `externalId`. Fields the host leaves out keep their stored value
 * (a token mint that names no role does not demote an admin). Rows are validated one by one:
 * bad rows are reported, good rows are kept. Managers are resolved after every row is in, so a
 * batch may name a manager that appears later in it.
 */
export async function upsertPeople(tx: Tx, tenantId: string, input: unknown[]) {
  const errors: RowError[] = [];
  const valid = new Map<string, { index: number; row: PersonInput }>();
  input.forEach((raw, index) => {
    const parsed = PersonInput.safeParse(raw);
    const externalId = typeof (raw as { externalId?: unknown })?.externalId === 'string' ? (raw as { externalId: string }).externalId : null;
    if (!parsed.success) {
      errors.push({ index, externalId, errors: parsed.error.issues.map((i) => ({ path: i.path.join('.') || '(row)', message: i.message })) });
      return;
    }
    const previous = valid.get(parsed.data.externalId);
    if (previous) {
      errors.push({ index: previous.index, externalId, errors: [{ path: 'externalId', message: 'appears again later in the batch; the later row wins' }] });
    }
    if (parsed.data.managerExternalId === parsed.data.externalId) {
      errors.push({ index, externalId, errors: [{ path: 'managerExternalId', message: 'a person cannot be their own manager' }] });
      return;
    }
    valid.set(parsed.data.externalId, { index, row: parsed.data });
  });
  if (valid.size === 0) return { items: [], errors, changed: [], people: [] };

  const externalIds = [...valid.keys()];
  const existing = new Map(
    (
      await tx
        .select()
        .from(people)
        .where(and(eq(people.tenantId, tenantId), inArray(people.externalId, externalIds)))
    ).map((p) => [p.externalId, p]),
  );
  // A tombstone's external id is never handed out, but a host that sends it back must not revive it.
  for (const [externalId, { index }] of valid) {
    if (!existing.get(externalId)?.erasedAt) continue;
    errors.push({ index, externalId, errors: [{ path: 'externalId', message: 'this person was erased; use another externalId' }] });
    valid.delete(externalId);
  }
  if (valid.size === 0) return { items: [], errors: errors.sort((a, b) => a.index - b.index), changed: [], people: [] };
  const now = new Date();
  const merged = [...valid.values()].map(({ row }) => {
    const before = existing.get(row.externalId);
    return {
      tenantId,
      id: before?.id ?? uuidv7(),
      externalId: row.externalId,
      name: row.name,
      email: row.email === undefined ? (before?.email ?? null) : row.email.toLowerCase(),
      role: row.role ?? before?.role ?? 'employee',
      team: row.team === undefined ? (before?.team ?? null) : row.team,
      locale: row.locale ?? before?.locale ?? null,
      managerId: before?.managerId ?? null,
      updatedAt: now,
    };
  });
  // A host re-mints tokens for the same people all day: rows that would not change are not
  // written, nor are their search terms rebuilt.
  const changed = merged.filter((m) => {
    const before = existing.get(m.externalId);
    return !before || before.name !== m.name || before.email !== m.email || before.role !== m.role || before.team !== m.team || before.locale !== m.locale;
  });
  if (changed.length > 0) await writePeople(tx, tenantId, changed);
  await assignManagers(tx, tenantId, [...valid.values()], merged, errors);
  errors.sort((a, b) => a.index - b.index);
  return {
    items: merged.map((m) => ({ id: m.id, externalId: m.externalId })),
    errors,
    /** The rows as stored now that were created or changed (callers clear caches with it). */
    changed,
    /** Every valid row as stored now, in input order. */
    people: merged,
  };
}

async function writePeople(tx: Tx, tenantId: string, rows: Array<typeof people.$inferInsert & { id: string; name: string; email: string | null }>) {
  await tx
    .insert(people)
    .values(rows)
    .onConflictDoUpdate({
      target: [people.tenantId, people.externalId],
      set: {
        name: sql`excluded.name`,
        email: sql`excluded.email`,
        role: sql`excluded.role`,
        team: sql`excluded.team`,
        locale: sql`excluded.locale`,
        updatedAt: sql`excluded.updated_at`,
      },
    });
  await indexSearchTerms(tx, tenantId, rows);
}

async function assignManagers(
  tx: Tx,
  tenantId: string,
  rowsIn: Array<{ index: number; row: PersonInput }>,
  merged: Array<{ id: string; externalId: string }>,
  errors: RowError[],
) {
  const withManager = rowsIn.filter(({ row }) => row.managerExternalId !== undefined);
  if (withManager.length === 0) return;
  const wanted = [...new Set(withManager.map(({ row }) => row.managerExternalId).filter((m): m is string => !!m))];
  const managers = new Map(
    wanted.length === 0
      ? []
      : (
          await tx
            .select({ id: people.id, externalId: people.externalId })
            .from(people)
            .where(and(eq(people.tenantId, tenantId), inArray(people.externalId, wanted)))
        ).map((m) => [m.externalId, m.id]),
  );
  const idOf = new Map(merged.map((m) => [m.externalId, m.id]));
  const assignments: Array<{ id: string; managerId: string | null }> = [];
  for (const { index, row } of withManager) {
    const managerId = row.managerExternalId ? managers.get(row.managerExternalId) : null;
    if (managerId === undefined) {
      errors.push({
        index,
        externalId: row.externalId,
        errors: [{ path: 'managerExternalId', message: `no person with externalId "${row.managerExternalId}"; saved without changing the manager` }],
      });
      continue;
    }
    assignments.push({ id: idOf.get(row.externalId)!, managerId });
  }
  if (assignments.length === 0) return;
  const values = sql.join(
    assignments.map((a) => sql`(${a.id}::uuid, ${a.managerId}::uuid)`),
    sql`, `,
  );
  await tx.execute(sql`
    update app.people p set manager_id = v.manager_id
    from (values ${values}) as v(id, manager_id)
    where p.tenant_id = ${tenantId} and p.id = v.id`);
}

/** Lowercased, accent-free words: "Hélène Dupont-Roy" → hélène → helene, dupont, roy, … */
export function searchTerms(name: string, email: string | null): string[] {
  const words = normalise(name).split(/[^\p{L}\p{N}]+/u);
  const full = normalise(name).replace(/\s+/g, ' ').trim();
  const terms = new Set([...words, full, ...(email ? [email.toLowerCase()] : [])]);
  return [...terms].filter((t) => t.length > 0).map((t) => t.slice(0, 200));
}

export function normalise(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
}

async function indexSearchTerms(tx: Tx, tenantId: string, merged: Array<{ id: string; name: string; email: string | null }>) {
  const ids = merged.map((m) => m.id);
  await tx.delete(personSearchTerms).where(and(eq(personSearchTerms.tenantId, tenantId), inArray(personSearchTerms.personId, ids)));
  const terms = merged.flatMap((m) => searchTerms(m.name, m.email).map((term) => ({ tenantId, term, personId: m.id })));
  for (let i = 0; i < terms.length; i += 5000) await tx.insert(personSearchTerms).values(terms.slice(i, i + 5000)).onConflictDoNothing();
}

/**
 * Typeahead: every word of the query must prefix some word of the name, the whole name or the
 * email. Candidates come from an index range scan on (tenant_id, term) for the first word and
 * for the whole phrase, closest terms first and capped, so a common prefix ("ma") costs the same
 * as a rare one; the other words then filter. Results: best-matching term first, then by name.
 *
 * Ranges with the pattern operators (~>=~, ~<~), not LIKE: statements are prepared, and a
 * generic plan cannot turn `LIKE $1` into an index range, which made a miss scan every term.
 */
export async function searchPeople(tx: Tx, tenantId: string, q: string, limit: number): Promise<PersonMatch[]> {
  const words = normalise(q).split(/\s+/).filter(Boolean).slice(0, 5);
  if (words.length === 0) return [];
  const phrase = words.join(' ');
  const inRange = (prefix: string) => sql`t.term ~>=~ ${prefix} and t.term ~<~ ${`${prefix}\u{10FFFF}`}`;
  const candidates = (prefix: string) => sql`
    (select t.person_id, t.term from app.person_search_terms t
     where t.tenant_id = ${tenantId} and ${inRange(prefix)}
     order by t.term using ~<~ limit ${CANDIDATES})`;
  const others = words.slice(1).map(
    (w) => sql`and exists (select 1 from app.person_search_terms t where t.tenant_id = ${tenantId} and t.person_id = p.id and ${inRange(w)})`,
  );
  return rows<PersonMatch>(
    tx,
    sql`select p.id, p.name, p.email, p.team
        from (${candidates(words[0]!)} union all ${candidates(phrase)}) c
        join app.people p on p.tenant_id = ${tenantId} and p.id = c.person_id
        where true ${sql.join(others, sql` `)}
        group by p.id, p.name, p.email, p.team
        order by min(c.term), p.name
        limit ${limit}`,
  );
}

/** How many matching terms a typeahead looks at, per range. */
const CANDIDATES = 500;

export async function listValues(tx: Tx, tenantId: string) {
  return tx
    .select({ key: companyValues.key, label: companyValues.label, description: companyValues.description, emoji: companyValues.emoji })
    .from(companyValues)
    .where(eq(companyValues.tenantId, tenantId))
    .orderBy(companyValues.position, companyValues.key);
}

export async function replaceValues(tx: Tx, tenantId: string, values: CompanyValue[]) {
  const keys = values.map((v) => v.key);
  if (new Set(keys).size !== keys.length) throw new Problem('validation', 'Each value key may appear once.');
  await tx.delete(companyValues).where(eq(companyValues.tenantId, tenantId));
  if (values.length > 0) {
    await tx.insert(companyValues).values(
      values.map((v, position) => ({ tenantId, key: v.key, label: v.label, description: v.description ?? null, emoji: v.emoji ?? null, position })),
    );
  }
  return listValues(tx, tenantId);
}
