import { idempotentResponse } from '../http/idempotency.fields.js';
import { alertWebhookSecret } from '../modules/alerts/alert-settings.fields.js';
import { praiseMessage } from '../modules/praise/praise.fields.js';
import { surveyAnswerText } from '../modules/surveys/answer-text.js';
import type { FieldRef } from './field-cipher.js';

export type { FieldRef };

/**
 * A column of schema `app` whose values are sealed by the field cipher. Batch jobs (the
 * plaintext migration, `grove keys rotate-tenant`) walk every registered column by primary
 * key, so a module that seals a column registers it here and is rotated with the rest.
 */
export interface EncryptedColumn {
  /** Table in schema `app`; also the `table` of its values' FieldRef. */
  table: string;
  column: string;
  /** The primary key after `tenant_id`, in index order; joined with '/' it is the FieldRef's rowId. */
  key: ReadonlyArray<{ name: string; type: 'uuid' | 'text' }>;
  /**
   * The columns whose values, joined with '/', are the FieldRef's rowId, when that is not the
   * key: survey answers are bound to their survey, round and question, because the answer
   * mixer gives every response a new id (modules/surveys/mixing.ts).
   */
  bind?: readonly string[];
  /** `jsonb`: the sealed value is stored as a JSON string in a jsonb column. Default `text`. */
  storage?: 'text' | 'jsonb';
}

/** SQL reading a registered column's stored value as text. */
export const storedText = (column: EncryptedColumn) =>
  column.storage === 'jsonb' ? `("${column.column}" #>> '{}')` : `"${column.column}"`;

/** Every sealed column. Surveys, reviews, comments: add yours. */
export const ENCRYPTED_COLUMNS: readonly EncryptedColumn[] = [praiseMessage, idempotentResponse, alertWebhookSecret, surveyAnswerText];

/** The FieldRef of a stored value from its row's `bind` values (or its key, without `bind`). */
export const refOf = (column: EncryptedColumn, bound: readonly string[]): FieldRef => ({
  table: column.table,
  column: column.column,
  rowId: bound.join('/'),
});
