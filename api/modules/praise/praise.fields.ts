import type { EncryptedColumn, FieldRef } from '../../security/encrypted-columns.js';

/** Praise messages are sealed (security/field-cipher.ts); the row id is bound into each. */
export const praiseMessage: EncryptedColumn = { table: 'praise', column: 'message', key: [{ name: 'id', type: 'uuid' }] };

export const praiseMessageRef = (id: string): FieldRef => ({ table: 'praise', column: 'message', rowId: id });
