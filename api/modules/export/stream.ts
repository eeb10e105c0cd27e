import type { DatabaseHandle, Tx } from '../../db/client.js';

/** Runs one batch's queries; see `exportStream`. */
export type ReadBatch = <R>(work: (tx: Tx) => Promise<R>) => Promise<R>;

export class ExportCancelled extends Error {
  override name = 'ExportCancelled';
}

/**
 * A response body written as `produce` yields chunks, never ahead of the reader: the next batch
 * is read only when the reader has asked for the next chunk, so a slow client slows the reads
 * instead of filling memory, and nothing is read before the body is (after the request's own
 * unit has ended). A reader that asks for nothing for `idleMs` gets an error and the export stops.
 *
 * The unit of work. PostgreSQL: the whole export is one REPEATABLE READ READ ONLY transaction on
 * one reserved connection: a consistent snapshot of the tenant that blocks no writer (MVCC), at
 * the cost of one pool connection and of holding back vacuum's horizon while it runs, hence the
 * cap on concurrent exports. PGlite: one connection serves everyone, so each batch is its own
 * short unit and other requests run between batches; the archive then reflects each batch's
 * moment (keyset order never repeats or skips a row that stayed put).
 */
export function exportStream(
  database: DatabaseHandle,
  tenantId: string,
  produce: (read: ReadBatch, consistency: 'snapshot' | 'batches') => AsyncIterable<string>,
  onEnd: (error?: unknown) => void,
  idleMs: number,
): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  let wake: (() => void) | undefined;
  let cancelled = false;
  let started = false;

  /** Set by pull(): the reader wants another chunk. */
  let demand = false;

  const write = async (chunk: string) => {
    if (cancelled) throw new ExportCancelled();
    demand = false;
    controller.enqueue(encoder.encode(chunk));
    while (!cancelled && !demand) {
      // A reader that stops asking must not hold a snapshot and a connection forever.
      let timer: NodeJS.Timeout | undefined;
      const woke = await new Promise<boolean>((resolve) => {
        wake = () => resolve(true);
        timer = setTimeout(() => resolve(false), idleMs);
      });
      clearTimeout(timer);
      if (!woke && !cancelled && !demand) {
        cancelled = true;
        controller.error(new ExportCancelled(`the reader took nothing for ${idleMs} ms`));
      }
    }
    if (cancelled) throw new ExportCancelled();
  };
  const drive = async (read: ReadBatch, consistency: 'snapshot' | 'batches') => {
    for await (const chunk of produce(read, consistency)) await write(chunk);
  };
  const run = async () => {
    try {
      if (database.kind === 'postgres') {
        await database.withTenant(tenantId, (tx) => drive((work) => work(tx), 'snapshot'), { snapshot: true });
      } else {
        await drive((work) => database.withTenant(tenantId, work, { readOnly: true }), 'batches');
      }
      controller.close();
      onEnd();
    } catch (error) {
      if (!cancelled) controller.error(error);
      onEnd(cancelled ? undefined : error);
    }
  };

  return new ReadableStream<Uint8Array>(
    {
      start(c) {
        controller = c;
      },
      pull() {
        demand = true;
        if (!started) {
          started = true;
          void run();
        }
        wake?.();
        wake = undefined;
      },
      cancel() {
        cancelled = true;
        wake?.();
        wake = undefined;
        if (!started) onEnd();
      },
    },
    // Nothing is read ahead: pull() runs only when the reader asks for the next chunk.
    { highWaterMark: 0 },
  );
}
