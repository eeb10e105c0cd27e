import { readdirSync, readFileSync } from 'node:fs';

/**
 * CPU time from /proc, for the tools that divide it by the requests answered: on a shared
 * machine the CPU a process spends per request moves far less than req/s (bench/README.md).
 */

/** CPU milliseconds (user + system) of one process so far; `self` for this one. */
export function cpuMs(pid: number | 'self'): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10; // clock ticks of 10 ms
}

/** CPU milliseconds of every PostgreSQL process on the machine. */
export function postgresCpuMs(): number {
  let total = 0;
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      if (readFileSync(`/proc/${pid}/stat`, 'utf8').includes('(postgres)')) total += cpuMs(Number(pid));
    } catch {
      // gone meanwhile
    }
  }
  return total;
}
