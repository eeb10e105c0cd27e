/**
 * The numbers behind the results charts, kept apart from the templates so they can be tested
 * without a browser. Coordinates are in SVG user units.
 */

export interface Point {
  x: number;
  y: number;
}

const round2 = (n: number) => Math.round(n * 100) / 100;
const clamp = (n: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, n));

/** The eNPS gauge: a half circle from −100 (left) over 0 (top) to +100 (right). */
export const GAUGE = { cx: 100, cy: 100, r: 80 } as const;

/** Where a score (−100..100) sits on the gauge's arc. */
export function gaugePoint(score: number, g: { cx: number; cy: number; r: number } = GAUGE): Point {
  const angle = Math.PI * (1 - (clamp(score, -100, 100) + 100) / 200);
  return { x: round2(g.cx + g.r * Math.cos(angle)), y: round2(g.cy - g.r * Math.sin(angle)) };
}

/** An SVG path along the gauge's arc from one score to another (`from` < `to`). */
export function gaugeArc(from: number, to: number, g: { cx: number; cy: number; r: number } = GAUGE): string {
  const a = gaugePoint(from, g);
  const b = gaugePoint(to, g);
  // Never more than half a circle, so the small-arc flag is right; sweep 1 runs clockwise on screen.
  return `M ${a.x} ${a.y} A ${g.r} ${g.r} 0 0 1 ${b.x} ${b.y}`;
}

/** Segments of a 100%-stacked bar from counts: each segment's start and width in percent. */
export function stackSegments(counts: readonly number[]): { start: number; width: number; share: number }[] {
  const total = counts.reduce((s, c) => s + c, 0);
  let start = 0;
  return counts.map((c) => {
    const share = total ? (c / total) * 100 : 0;
    const seg = { start: round2(start), width: round2(share), share: Math.round(share * 10) / 10 };
    start += share;
    return seg;
  });
}

/** One line of a trend chart: its points, and an SVG path that breaks where a round has no figure. */
export function trendLine(
  values: readonly (number | null)[],
  box: { width: number; height: number; pad: number },
  domain: { min: number; max: number },
): { points: (Point | null)[]; path: string } {
  const n = values.length;
  const innerW = box.width - box.pad * 2;
  const innerH = box.height - box.pad * 2;
  const x = (i: number) => round2(box.pad + (n <= 1 ? innerW / 2 : (innerW * i) / (n - 1)));
  const y = (v: number) => round2(box.pad + innerH * (1 - (clamp(v, domain.min, domain.max) - domain.min) / (domain.max - domain.min)));
  const points = values.map((v, i) => (v === null ? null : { x: x(i), y: y(v) }));
  let path = '';
  let pen = false;
  for (const p of points) {
    if (!p) {
      pen = false;
      continue;
    }
    path += `${pen ? 'L' : 'M'} ${p.x} ${p.y} `;
    pen = true;
  }
  return { points, path: path.trim() };
}

/** The x position of each round on a trend chart (the same spacing as `trendLine`). */
export function trendX(n: number, box: { width: number; pad: number }): number[] {
  const innerW = box.width - box.pad * 2;
  return Array.from({ length: n }, (_, i) => round2(box.pad + (n <= 1 ? innerW / 2 : (innerW * i) / (n - 1))));
}

/**
 * The colour band (0 worst … 4 best) of a heatmap cell. Favourability runs 0–100, eNPS −100–100.
 * The band only tints the cell: its figure is always written in it, so colour is never alone.
 */
export function heatBand(value: number, kind: 'favourability' | 'enps'): 0 | 1 | 2 | 3 | 4 {
  const share = kind === 'enps' ? (value + 100) / 200 : value / 100;
  return clamp(Math.floor(clamp(share, 0, 1) * 5), 0, 4) as 0 | 1 | 2 | 3 | 4;
}

/** The figure a heatmap shows for a question: favourability for Likert, the score for eNPS, else the mean. */
export function headline(
  f: { favourability: number | null; enps: number | null; mean: number | null },
  type: string,
): { kind: 'favourability' | 'enps' | 'mean'; value: number } | null {
  if (type === 'likert' && f.favourability !== null) return { kind: 'favourability', value: f.favourability };
  if (type === 'enps' && f.enps !== null) return { kind: 'enps', value: f.enps };
  if (f.mean !== null) return { kind: 'mean', value: f.mean };
  return null;
}
