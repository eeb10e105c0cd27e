import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Seeded } from './seed.js';

interface Sample {
  rps: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
}

/**
 * The report of `npm run bench -- --encryption`: each pair of series is Grove with field
 * encryption, then Grove with a pass-through cipher. Returns the exit code (1 when a figure
 * is made of failed responses).
 */
export function reportEncryption(input: {
  root: string;
  series: Array<{ scenario: string; size: string; samples: Sample[] }>;
  seed: Seeded;
  connections: number;
  warmup: number;
  duration: number;
  runs: number;
  log: (line: string) => void;
}): number {
  const median = (xs: number[]) => {
    const s = [...xs].sort((a, b) => a - b);
    return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
  };
  const rows = [];
  for (let i = 0; i < input.series.length; i += 2) {
    const enc = input.series[i]!;
    const plain = input.series[i + 1]!;
    const e = median(enc.samples.map((s) => s.rps));
    const p = median(plain.samples.map((s) => s.rps));
    rows.push({
      scenario: enc.scenario.replace(/: encrypted vs pass-through$/, ''),
      encryptedRps: Math.round(e),
      passThroughRps: Math.round(p),
      ratio: Number((e / p).toFixed(2)),
      encryptedP50P99: `${median(enc.samples.map((s) => s.p50))} / ${median(enc.samples.map((s) => s.p99))}`,
      passThroughP50P99: `${median(plain.samples.map((s) => s.p50))} / ${median(plain.samples.map((s) => s.p99))}`,
      spreads: `${enc.samples.map((s) => Math.round(s.rps)).join(', ')} | ${plain.samples.map((s) => Math.round(s.rps)).join(', ')}`,
      failed: [...enc.samples, ...plain.samples].reduce((n, s) => n + s.non2xx + s.errors, 0),
    });
  }
  const md = [
    `\`npm run bench -- --encryption\` on ${new Date().toISOString().slice(0, 10)}: ${input.connections} connections, ${input.warmup} s warm-up, ${input.runs} × ${input.duration} s per server, interleaved; medians.`,
    `Data: ${input.seed.name} (${input.seed.spec.tenants} tenants × ${input.seed.spec.people} people × ${input.seed.spec.praise} praise, messages sealed).`,
    '',
    '| scenario | encrypted req/s | pass-through req/s | ratio | encrypted p50 / p99 ms | pass-through p50 / p99 ms | runs (enc \\| pass) |',
    '|---|---|---|---|---|---|---|',
    ...rows.map((r) => `| ${r.scenario}${r.failed ? ` (**${r.failed} failed**)` : ''} | ${r.encryptedRps} | ${r.passThroughRps} | ${r.ratio} | ${r.encryptedP50P99} | ${r.passThroughP50P99} | ${r.spreads} |`),
    '',
    'Both servers are Grove as deployed (grove_app login, NODE_ENV=production) on the same database; the pass-through one stores and returns values as they are.',
  ];
  const out = join(input.root, 'bench/results');
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'encryption.json'), `${JSON.stringify({ at: new Date().toISOString(), rows, raw: input.series }, null, 2)}\n`);
  writeFileSync(join(out, 'encryption.md'), `${md.join('\n')}\n`);
  console.log(`\n${md.join('\n')}\n`);
  input.log('wrote bench/results/encryption.json and encryption.md');
  return rows.some((r) => r.failed > 0) ? 1 : 0;
}
