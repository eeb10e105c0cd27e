import { sql } from 'drizzle-orm';
import { rows, type Database } from '../../api/db/client.js';

/** The database's own message: drizzle wraps it as the `cause` of "Failed query: …". */
export async function refusal(work: Promise<unknown>): Promise<string> {
  try {
    await work;
  } catch (error) {
    const cause = (error as { cause?: { message?: string } }).cause;
    return cause?.message ?? (error as Error).message;
  }
  return 'no error';
}

/** A tenant's audit entries, counted as the owner (past the API, which pages). */
export async function auditEntries(db: Database, tenantId: string): Promise<number> {
  const [row] = await rows<{ n: number }>(db, sql`select count(*)::int as n from app.audit_log where tenant_id = ${tenantId}`);
  return row!.n;
}
