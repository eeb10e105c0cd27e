import { sql, type SQL } from 'drizzle-orm';
import { rows, type DatabaseHandle } from '../db/client.js';
import type { EncryptedColumn } from './encrypted-columns.js';
import { refOf, storedText } from './encrypted-columns.js';
import { DecryptionFailed, sealedPattern, type AesFieldCipher } from './field-cipher.js';

export interface BatchProgress {
  tenantId: string;
  table: string;
  column: string;
  /** Rows re-sealed in this batch. */
  resealed: number;
  /** Rows of this batch whose value did not open (left as they were, reported). */
  failed: number;
  /** Primary key of the batch's last row: where the next batch starts. */
  lastKey: string[];
}

export interface ResealOptions {
  /**
   * `plaintext`: seal values not sealed at all (rows from before encryption).
   * `rotate`: re-seal every value not sealed under the tenant's active key version.
   */
  mode: 'plaintext' | 'rotate';
  batchSize?: number;
  /** Resume after this primary key (a crashed rotation's recorded progress). */
  after?: string[] | undefined;
  /** Called once each batch has committed; progress recorded here survives a crash. */
  onBatch?: (progress: BatchProgress) => Promise<void> | void;
}

/**
 * Walks one tenant's column by primary key, in batches that are each their own tenant unit of
 * work (as grove_app, under row-level security), and re-seals what `mode` selects under the
 * active key version. Nonces for a batch are reserved before its unit opens. Values that do not
 * open are left untouched (and recorded as `decryption_failed`): a rotation must never turn an
 * unreadable value into a readable lie, nor lose it. Returns the totals.
 */
export async function resealColumn(
  database: DatabaseHandle,
  cipher: AesFieldCipher,
  tenantId: string,
  column: EncryptedColumn,
  options: ResealOptions,
): Promise<{ resealed: number; failed: number }> {
  const batchSize = options.batchSize ?? 500;
  const table = sql.raw(`app.${quote(column.table)}`);
  const value = sql.raw(storedText(column));
  const target = sql.raw(quote(column.column));
  const keyList = sql.raw(column.key.map((k) => quote(k.name)).join(', '));
  let after = options.after;
  const totals = { resealed: 0, failed: 0 };
  for (;;) {
    await cipher.keys.reserve(tenantId, batchSize);
    const version = cipher.keys.activeVersion(tenantId)!;
    const selects: SQL =
      // '' is stored as is (erased text: see AesFieldCipher.openOrThrow), in both modes.
      options.mode === 'plaintext'
        ? sql`${value} not like ${sealedPattern()} and ${value} <> ''`
        : sql`${value} not like ${sealedPattern(version)} and ${value} <> ''`;
    const batch = await database.withTenant(tenantId, async (tx) => {
      const found = await rows<Record<string, string>>(
        tx,
        sql`select ${sql.raw(column.key.map((k) => `${quote(k.name)}::text as ${quote(k.name)}`).join(', '))},
                   ${sql.raw((column.bind ?? []).map((name, i) => `${quote(name)}::text as "bind_${i}"`).join(', ') || 'null as "bind_none"')}, ${value} as value
            from ${table}
            where tenant_id = ${tenantId} and ${selects}
              ${after ? sql`and (${keyList}) > (${keyValues(column, after)})` : sql``}
            order by ${keyList}
            limit ${batchSize}
            for update`,
      );
      const updates: SQL[] = [];
      let failed = 0;
      for (const row of found) {
        const key = column.key.map((k) => row[k.name]!);
        const ref = refOf(column, column.bind ? column.bind.map((_, i) => row[`bind_${i}`]!) : key);
        let plaintext: string;
        if (options.mode === 'plaintext') plaintext = row.value!;
        else {
          try {
            plaintext = cipher.openOrThrow(tenantId, ref, row.value!);
          } catch (error) {
            if (!(error instanceof DecryptionFailed)) throw error;
            cipher.open(tenantId, ref, row.value!); // records the decryption_failed event
            failed += 1;
            continue;
          }
        }
        updates.push(sql`(${keyValues(column, key)}, ${cipher.seal(tenantId, ref, plaintext)})`);
      }
      if (updates.length > 0) {
        const names = sql.raw(column.key.map((k) => quote(k.name)).join(', '));
        const joins = sql.raw(column.key.map((k) => `t.${quote(k.name)} = v.${quote(k.name)}`).join(' and '));
        await tx.execute(
          sql`update ${table} as t set ${target} = ${column.storage === 'jsonb' ? sql`to_jsonb(v.value::text)` : sql`v.value`}
              from (values ${sql.join(updates, sql`, `)}) as v(${names}, value)
              where t.tenant_id = ${tenantId} and ${joins}`,
        );
      }
      const last = found.at(-1);
      return { count: found.length, resealed: updates.length, failed, lastKey: last ? column.key.map((k) => last[k.name]!) : undefined };
    });
    if (!batch.lastKey) break;
    after = batch.lastKey;
    totals.resealed += batch.resealed;
    totals.failed += batch.failed;
    await options.onBatch?.({ tenantId, table: column.table, column: column.column, resealed: batch.resealed, failed: batch.failed, lastKey: batch.lastKey });
    if (batch.count < batchSize) break;
  }
  return totals;
}

function keyValues(column: EncryptedColumn, key: readonly string[]): SQL {
  return sql.join(
    column.key.map((k, i) => sql`${key[i]}::${sql.raw(k.type)}`),
    sql`, `,
  );
}

/** Names come from the static registry, never from input; quoted all the same. */
function quote(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
