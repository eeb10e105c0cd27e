import { sql, type SQL } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import { v7 as uuidv7 } from 'uuid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase } from '../../../test/support/database.js';
import { rows, type Tx } from '../../db/client.js';
import type { Viewer } from '../../http/context.js';
import { givePraise } from './praise.service.js';

/**
 * The plans PostgreSQL settles on for praise's statements: the generic plan, which a prepared
 * statement runs from its sixth execution on. Checked by their shape, never by time.
 */
let db: Awaited<ReturnType<typeof freshDatabase>>;
const tenantId = uuidv7();
let people: string[];

beforeAll(async () => {
  db = await freshDatabase();
  if (!db.url) await db.handle.migrate(); // PostgreSQL's fresh database comes migrated
  const owner = db.handle.db;
  await owner.execute(sql`insert into platform.tenants (id, name) values (${tenantId}, 'Plans')`);
  await owner.execute(sql`insert into app.people (tenant_id, id, external_id, name, email)
    select ${tenantId}, gen_random_uuid(), 'p' || n, 'Person ' || n, 'p' || n || '@plans.test' from generate_series(1, 2000) n`);
  // Values as a deployment holds them: five for each of many tenants.
  await owner.execute(sql`insert into platform.tenants (id, name) select gen_random_uuid(), 'Other ' || n from generate_series(1, 300) n`);
  await owner.execute(sql`insert into app.company_values (tenant_id, key, label)
    select t.id, v.key, v.key from platform.tenants t cross join (values ('ownership'), ('care'), ('craft'), ('candour'), ('curiosity')) v(key)`);
  await owner.execute(sql`analyze app.people, app.company_values`);
  people = (await rows<{ id: string }>(owner, sql`select id from app.people where tenant_id = ${tenantId} order by external_id limit 3`)).map((p) => p.id);
});
afterAll(() => db.drop());

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Cond'?: string;
  Plans?: PlanNode[];
}
const nodes = (node: PlanNode): PlanNode[] => [node, ...(node.Plans ?? []).flatMap(nodes)];

/** The generic plan of `statement`, as grove_app under the tenant (EXPLAIN only: nothing runs). */
async function genericPlan(statement: SQL): Promise<PlanNode[]> {
  const query = new PgDialect().sqlToQuery(statement);
  const literal = (v: unknown) => (typeof v === 'number' ? String(v) : `'${String(v).replace(/'/g, "''")}'`);
  return db.handle.withTenant(tenantId, async (tx) => {
    await tx.execute(sql`set local plan_cache_mode = force_generic_plan`);
    await tx.execute(sql.raw(`prepare plan_check as ${query.sql}`));
    const [row] = await rows<{ 'QUERY PLAN': unknown }>(tx, sql.raw(`explain (format json) execute plan_check(${query.params.map(literal).join(', ')})`));
    await tx.execute(sql`deallocate plan_check`);
    const plan = typeof row!['QUERY PLAN'] === 'string' ? JSON.parse(row!['QUERY PLAN']) : row!['QUERY PLAN'];
    return nodes((plan as Array<{ Plan: PlanNode }>)[0]!.Plan);
  });
}

describe('giving praise', () => {
  it('looks its recipients up by key: it never reads the whole directory of the tenant', async () => {
    let statement: SQL | undefined;
    const capture = { execute: async (query: SQL) => ((statement = query), [{ created_at: new Date(), giver_name: '', giver_team: null, recipients: [], known_values: [] }]) } as unknown as Tx;
    const viewer: Viewer = { id: people[0]!, tenantId, role: 'employee', managerId: null, team: null, scopes: new Set(['praise:write']) };
    await givePraise(capture, viewer, { seal: () => 'f1.1.AAAA', open: () => undefined }, { recipientIds: [people[1]!, people[2]!], message: 'Thanks', values: ['care'], visibility: 'public' });

    const plan = await genericPlan(statement!);
    // The recipients: by (tenant_id, id) = ANY(the list). Written as `id in (select …)`, the list
    // became a hashed semi-join and the generic plan scanned every person of the tenant per write.
    const recipients = plan.filter((n) => n['Relation Name'] === 'people' && n['Index Cond']?.includes('= ANY'));
    expect(recipients.map((n) => n['Node Type']), JSON.stringify(plan)).toEqual(['Index Scan']);
    const scans = plan.filter((n) => ['people', 'company_values'].includes(n['Relation Name'] ?? '') && !/Index|Bitmap Heap/.test(n['Node Type']));
    expect(scans, JSON.stringify(scans)).toEqual([]);
  });
});
