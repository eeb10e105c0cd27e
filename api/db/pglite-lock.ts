import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * PGlite writes a postmaster.pid but never checks it: two processes can open one data dir and
 * corrupt it. Grove takes this lock file (`<dataDir>.lock`, holding the pid) whenever it opens a
 * data dir (the server, `grove backup`, `grove restore`), so a second opener is told who holds it.
 */
export class DataDirInUse extends Error {
  override name = 'DataDirInUse';
}

export function lockDataDir(dataDir: string): () => void {
  const path = `${dataDir}.lock`;
  mkdirSync(dirname(path), { recursive: true });
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, 'wx', 0o600);
      writeSync(fd, `${process.pid}\n`);
      closeSync(fd);
      return () => rmSync(path, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = Number(readFileSync(path, 'utf8').trim());
      if (holder === process.pid) throw new DataDirInUse(`${dataDir} is already open in this process`);
      if (alive(holder)) {
        throw new DataDirInUse(
          `${dataDir} is in use by process ${holder} (a running Grove?). Stop it first: PGlite allows one process per data dir.`,
        );
      }
      rmSync(path, { force: true }); // left by a process that died: take it over
    }
  }
  throw new DataDirInUse(`could not lock ${dataDir}`);
}

function alive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
