import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, openSync, readSync, closeSync, renameSync, rmSync, statSync } from 'node:fs';
import { readFileSync } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import type { Readable } from 'node:stream';
import type { MigrationLevel } from './database-state.js';

/**
 * A Grove backup file: one line of magic, one line of JSON (the manifest), then the payload as
 * the platform's own tool wrote it (pg_dump's custom format, or PGlite's data-dir tarball). The
 * manifest says what the payload is, so `grove restore` can refuse a file of the other database
 * kind or of a newer schema before touching anything, and can check the payload's digest.
 */
export const MAGIC = 'GROVE-BACKUP\n';
export const FORMAT = 'grove-backup/1';

export type BackupKind = 'postgres' | 'pglite';

export interface Manifest {
  format: typeof FORMAT;
  groveVersion: string;
  kind: BackupKind;
  /** What the payload bytes are. */
  payload: 'pg_dump-custom' | 'pglite-datadir-tar-gz';
  createdAt: string;
  /** The last migration applied in the database that was backed up. */
  migration: MigrationLevel;
  bytes: number;
  sha256: string;
  /** The PostgreSQL server and pg_dump versions (PostgreSQL backups). */
  postgres?: { server: string; pgDump: string };
  /** A reminder for whoever finds the file. */
  note: string;
}

export const NOTE =
  'Holds every tenant row (free text as stored, encrypted where Grove encrypts it) but not GROVE_MASTER_KEY: back that up separately, or signing keys and encrypted fields cannot be read after a restore.';

export class BackupFileError extends Error {
  override name = 'BackupFileError';
}

export function groveVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

/**
 * Writes `out` atomically: the payload streams to a temporary file while it is hashed, then the
 * header and the payload go to `<out>.partial`, which is renamed over `out` only when complete.
 */
export async function writeBackupFile(
  out: string,
  writePayload: (path: string) => Promise<void>,
  manifest: Omit<Manifest, 'format' | 'bytes' | 'sha256' | 'note' | 'groveVersion' | 'createdAt'>,
): Promise<Manifest> {
  const payloadPath = `${out}.payload-${process.pid}`;
  const partial = `${out}.partial`;
  try {
    await writePayload(payloadPath);
    const sha256 = await digest(createReadStream(payloadPath));
    const full: Manifest = {
      format: FORMAT,
      groveVersion: groveVersion(),
      createdAt: new Date().toISOString(),
      ...manifest,
      bytes: statSync(payloadPath).size,
      sha256,
      note: NOTE,
    };
    const file = createWriteStream(partial, { mode: 0o600 });
    file.write(`${MAGIC}${JSON.stringify(full)}\n`);
    await pipeline(createReadStream(payloadPath), file);
    renameSync(partial, out);
    return full;
  } finally {
    rmSync(payloadPath, { force: true });
    rmSync(partial, { force: true });
  }
}

/** Reads the manifest and where the payload starts; checks the payload's length and digest. */
export async function readBackupFile(path: string): Promise<{ manifest: Manifest; offset: number }> {
  const fd = openSync(path, 'r');
  const head = Buffer.alloc(64 * 1024);
  let length: number;
  try {
    length = readSync(fd, head, 0, head.length, 0);
  } finally {
    closeSync(fd);
  }
  const text = head.subarray(0, length).toString('latin1');
  const end = text.indexOf('\n', MAGIC.length);
  if (!text.startsWith(MAGIC) || end < 0) throw new BackupFileError(`${path} is not a Grove backup file (made by \`grove backup\`).`);
  let manifest: Manifest;
  try {
    manifest = JSON.parse(head.subarray(MAGIC.length, end).toString('utf8')) as Manifest;
  } catch {
    throw new BackupFileError(`${path}: the manifest is not valid JSON.`);
  }
  if (manifest.format !== FORMAT) throw new BackupFileError(`${path} is a ${manifest.format} file; this Grove reads ${FORMAT}.`);
  const offset = Buffer.byteLength(text.slice(0, end + 1), 'latin1');
  const bytes = statSync(path).size - offset;
  if (bytes !== manifest.bytes) throw new BackupFileError(`${path} is truncated or padded: ${bytes} payload bytes, the manifest says ${manifest.bytes}.`);
  const sha256 = await digest(createReadStream(path, { start: offset }));
  if (sha256 !== manifest.sha256) throw new BackupFileError(`${path} is corrupt: its payload does not match the manifest's SHA-256.`);
  return { manifest, offset };
}

async function digest(stream: Readable): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of stream) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
