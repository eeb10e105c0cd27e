/**
 * What the database driver's errors say, wherever they sit: drizzle wraps a driver error as the
 * `cause` of its "Failed query: …", so the error and its causes are read, a few levels deep.
 */
function* chain(error: unknown): Generator<{ code?: unknown; message?: unknown }> {
  for (let e: unknown = error, depth = 0; e && depth < 4; e = (e as { cause?: unknown }).cause, depth++) yield e as { code?: unknown; message?: unknown };
}

const SQLSTATE = /^[0-9A-Z]{5}$/;

/** The first code in the error or its causes: a SQLSTATE, or the driver's own (`CONNECTION_CLOSED`…). */
export function errorCode(error: unknown): string | undefined {
  for (const e of chain(error)) if (typeof e.code === 'string') return e.code;
  return undefined;
}

/** The first PostgreSQL error (a five-character SQLSTATE code) in the error or its causes. */
export function postgresError(error: unknown): { code: string; message: string } | undefined {
  for (const e of chain(error)) {
    if (typeof e.code === 'string' && SQLSTATE.test(e.code)) return { code: e.code, message: String(e.message) };
  }
  return undefined;
}

/** PostgreSQL error classes 08 (connection exception) and 57P (the server shutting down). */
const LOST_SQLSTATE = /^(08|57P)/;
const LOST_DRIVER = new Set(['CONNECTION_CLOSED', 'CONNECTION_ENDED', 'CONNECTION_DESTROYED', 'CONNECT_TIMEOUT', 'ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT']);

/**
 * Whether an error means the database connection itself is gone (a restart, a failover, an
 * administrator ending the session), rather than a statement failing on a live connection.
 */
export function connectionLost(error: unknown): boolean {
  for (const e of chain(error)) {
    if (typeof e.code === 'string' && (LOST_DRIVER.has(e.code) || (SQLSTATE.test(e.code) && LOST_SQLSTATE.test(e.code)))) return true;
  }
  return false;
}
