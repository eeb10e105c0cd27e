import { readFileSync } from 'node:fs';
import { sql } from 'drizzle-orm';
import { rows, type Database } from '../db/client.js';
import type { Manifest } from './backup-file.js';

/**
 * What `grove backup` and `grove restore` need to know about a database: how far it is migrated,
 * whether it holds anything, and (for tests and restore drills) a fingerprint of every row.
 * Read through the owner connection, which must see across tenants (superuser or BYPASSRLS).
 */

export interface MigrationLevel {
  /** The journal tag of the last applied migration (null when this Grove does not know it). */
  tag: string | null;
  /** drizzle's `created_at` of that migration: what orders migrations. 0 when none applied. */
  when: number;
  count: number;
}

interface JournalEntry {
  tag: string;
  when: number;
}

function journal(): JournalEntry[] {
  const file = new URL('../db/migrations/meta/_journal.json', import.meta.url);
  return (JSON.parse(readFileSync(file, 'utf8')) as { entries: JournalEntry[] }).entries;
}

/** The level this Grove's code migrates to. */
export function codeMigrationLevel(): MigrationLevel {
  const entries = journal();
  const last = entries[entries.length - 1];
  return { tag: last?.tag ?? null, when: last?.when ?? 0, count: entries.length };
}

/** The level a database is at (nothing applied: count 0). */
export async function databaseMigrationLevel(db: Database): Promise<MigrationLevel> {
  const [exists] = await rows<{ present: boolean }>(db, sql`select to_regclass('drizzle.__drizzle_migrations') is not null as present`);
  if (!exists?.present) return { tag: null, when: 0, count: 0 };
  const [level] = await rows<{ when: string | number | null; count: string | number }>(
    db,
    sql`select max(created_at) as when, count(*) as count from drizzle.__drizzle_migrations`,
  );
  const when = Number(level?.when ?? 0);
  return { tag: journal().find((e) => e.when === when)?.tag ?? null, when, count: Number(level?.count ?? 0) };
}

/** Every table of Grove's two schemas, `schema.table`, sorted. */
export async function groveTables(db: Database): Promise<string[]> {
  const found = await rows<{ name: string }>(
    db,
    sql`select schemaname || '.' || tablename as name from pg_tables
        where schemaname in ('app', 'platform') order by 1`,
  );
  return found.map((t) => t.name);
}

export interface Occupancy {
  tenants: number;
  /** Tables that hold at least one row. */
  tablesWithRows: string[];
}

/** What a restore would replace: any Grove table with rows, and how many tenants. */
export async function occupancy(db: Database): Promise<Occupancy> {
  const tables = await groveTables(db);
  const tablesWithRows: string[] = [];
  for (const table of tables) {
    const [row] = await rows<{ any: boolean }>(db, sql.raw(`select exists (select 1 from ${quoted(table)}) as any`));
    if (row?.any) tablesWithRows.push(table);
  }
  let tenants = 0;
  if (tables.includes('platform.tenants')) {
    const [row] = await rows<{ n: string | number }>(db, sql`select count(*) as n from platform.tenants`);
    tenants = Number(row?.n ?? 0);
  }
  return { tenants, tablesWithRows };
}

/**
 * Per table: its row count and the MD5 of all its rows' text, sorted. Two databases with equal
 * fingerprints hold the same rows byte for byte (as PostgreSQL prints them).
 */
export async function tableFingerprints(db: Database): Promise<Record<string, { rows: number; md5: string }>> {
  const result: Record<string, { rows: number; md5: string }> = {};
  for (const table of await groveTables(db)) {
    const [row] = await rows<{ n: string | number; md5: string }>(
      db,
      sql.raw(`select count(*) as n, md5(coalesce(string_agg(t::text, E'\\n' order by t::text), '')) as md5 from ${quoted(table)} t`),
    );
    result[table] = { rows: Number(row?.n ?? 0), md5: row?.md5 ?? '' };
  }
  return result;
}

function quoted(qualified: string): string {
  return qualified
    .split('.')
    .map((part) => `"${part.replace(/"/g, '""')}"`)
    .join('.');
}

export interface RestoreOptions {
  /** Replace a database that holds rows (see `restore`). */
  force?: boolean;
}

export interface RestoreReport {
  manifest: Manifest;
  /** What was in the target before and was replaced (empty when it was empty). */
  replaced: Occupancy;
  /** PGlite with --force: where the replaced data dir was moved. */
  movedAside?: string;
}

export class RestoreRefused extends Error {
  override name = 'RestoreRefused';
}

/** The refusal message for a target that holds data. */
export function refusal(where: string, state: Occupancy): RestoreRefused {
  return new RestoreRefused(
    `${where} is not empty (${state.tenants} tenant(s); rows in ${state.tablesWithRows.join(', ')}). ` +
      'Restore into an empty database, or pass --force to replace everything Grove keeps there.',
  );
}

export function isEmpty(state: Occupancy): boolean {
  return state.tenants === 0 && state.tablesWithRows.length === 0;
}
