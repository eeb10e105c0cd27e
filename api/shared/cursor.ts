import { Problem } from '../http/problems.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * Keyset cursors over UUIDv7 ids (time-ordered, so "newest first" is "id descending").
 * Opaque to clients: base64url of the last id of the page.
 */
export function encodeIdCursor(id: string): string {
  return Buffer.from(id).toString('base64url');
}

export function decodeIdCursor(cursor: string): string {
  const id = Buffer.from(cursor, 'base64url').toString();
  if (!UUID.test(id)) {
    throw new Problem('validation', 'The cursor is not one this API gave.', {
      errors: [{ path: 'query.cursor', message: 'invalid cursor' }],
    });
  }
  return id;
}
