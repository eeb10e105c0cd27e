import type { GroveDeps } from '../../http/context.js';
import { ENCRYPTED_COLUMNS } from '../../security/encrypted-columns.js';
import { tenantFields } from '../../security/field-cipher.js';
import { openAnswerText, type AnswerPlace } from '../surveys/answer-text.js';

/** Where a stored value lives: what field encryption binds into its additional authenticated data. */
export interface FieldRef {
  table: 'praise' | 'company_values';
  column: 'message' | 'label' | 'description';
  /** The row's id (for company values, their key). */
  rowId: string;
}

export interface RevealContext {
  tenantId: string;
  deps: GroveDeps;
}

/**
 * The one door through which exports read stored text. A column the field cipher seals
 * (ENCRYPTED_COLUMNS: praise messages…) is opened with the tenant's data key, binding tenant,
 * table, column and row id as every read does; a value that does not open is exported as
 * `null` and recorded as `decryption_failed` by the cipher. Other columns (company values,
 * written by admins) are stored as is. The caller prepared the tenant's keys before the
 * export's first unit opened (`respond()` in export.routes.ts): opening is then a synchronous
 * lookup, which matters on PGlite, whose one connection the export's unit holds.
 */
export async function revealText(ctx: RevealContext, field: FieldRef, stored: string | null): Promise<string | null> {
  if (stored === null) return null;
  const sealed = ENCRYPTED_COLUMNS.some((c) => c.table === field.table && c.column === field.column);
  if (!sealed) return stored;
  return ctx.deps.cipher.open(ctx.tenantId, field, stored) ?? null;
}

/**
 * An open-text survey answer, through the surveys' own door (answer-text.ts), which binds the
 * survey, round and question rather than a row id. Synchronous like `revealText`, for the same
 * reason: the keys were prepared before the unit. `null` when it does not open.
 */
export function revealAnswerText(ctx: RevealContext, at: AnswerPlace, stored: string | null): string | null {
  if (stored === null) return null;
  return openAnswerText(tenantFields(ctx.deps.cipher, ctx.tenantId), at, stored) ?? null;
}
