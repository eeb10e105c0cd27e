import type { EncryptedColumn, FieldRef } from '../security/encrypted-columns.js';

/**
 * The stored first response of a POST repeats what the request wrote (a praise message), so it
 * rests sealed like the field itself, as a JSON string in the jsonb column.
 */
export const idempotentResponse: EncryptedColumn = {
  table: 'idempotency_keys',
  column: 'body',
  key: [
    { name: 'principal', type: 'text' },
    { name: 'key', type: 'text' },
  ],
  storage: 'jsonb',
};

export const idempotentResponseRef = (principal: string, key: string): FieldRef => ({
  table: 'idempotency_keys',
  column: 'body',
  rowId: `${principal}/${key}`,
});
