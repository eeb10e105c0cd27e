import { describe, expect, it } from 'vitest';
import { GAUGE, gaugeArc, gaugePoint, headline, heatBand, stackSegments, trendLine, trendX } from './chart-geometry.js';
import { decimal, longDate, percent, signedScore } from './format.js';
import { en } from './locales/en.js';
import { fr } from './locales/fr.js';

describe('eNPS gauge', () => {
  it('puts −100 on the left, 0 at the top and +100 on the right of the half circle', () => {
    expect(gaugePoint(-100)).toEqual({ x: GAUGE.cx - GAUGE.r, y: GAUGE.cy });
    expect(gaugePoint(0)).toEqual({ x: GAUGE.cx, y: GAUGE.cy - GAUGE.r });
    expect(gaugePoint(100)).toEqual({ x: GAUGE.cx + GAUGE.r, y: GAUGE.cy });
    expect(gaugePoint(50)).toEqual({ x: 156.57, y: 43.43 });
  });

  it('clamps scores outside −100..100 and draws the arc clockwise from the first score', () => {
    expect(gaugePoint(250)).toEqual(gaugePoint(100));
    expect(gaugeArc(-100, 0)).toBe(`M 20 100 A 80 80 0 0 1 100 20`);
  });
});

describe('stacked distribution', () => {
  it('lays segments end to end over 100%', () => {
    const segs = stackSegments([1, 1, 2]);
    expect(segs.map((s) => [s.start, s.width])).toEqual([
      [0, 25],
      [25, 25],
      [50, 50],
    ]);
  });

  it('draws nothing (not NaN) when nobody answered', () => {
    expect(stackSegments([0, 0])).toEqual([
      { start: 0, width: 0, share: 0 },
      { start: 0, width: 0, share: 0 },
    ]);
  });
});

describe('trend line', () => {
  const box = { width: 220, height: 120, pad: 10 };
  it('spaces rounds evenly and maps the domain onto the height, top is best', () => {
    const line = trendLine([0, 50, 100], box, { min: 0, max: 100 });
    expect(line.points).toEqual([
      { x: 10, y: 110 },
      { x: 110, y: 60 },
      { x: 210, y: 10 },
    ]);
    expect(line.path).toBe('M 10 110 L 110 60 L 210 10');
    expect(trendX(3, box)).toEqual([10, 110, 210]);
  });

  it('breaks the line where a round is hidden instead of joining over it', () => {
    const line = trendLine([-50, null, 50, 0], box, { min: -100, max: 100 });
    expect(line.points[1]).toBeNull();
    expect(line.path.match(/M/g)).toHaveLength(2);
  });

  it('centres a single round', () => {
    expect(trendLine([40], box, { min: 0, max: 100 }).points[0]!.x).toBe(110);
  });
});

describe('heatmap', () => {
  it('bands favourability 0–100 and eNPS −100..100 into five steps', () => {
    expect([0, 19.9, 20, 59, 80, 100].map((v) => heatBand(v, 'favourability'))).toEqual([0, 0, 1, 2, 4, 4]);
    expect([-100, -1, 0, 60, 100].map((v) => heatBand(v, 'enps'))).toEqual([0, 2, 2, 4, 4]);
  });

  it('heads each question with the figure of its type', () => {
    const f = { favourability: 75, enps: null, mean: 3.9 };
    expect(headline(f, 'likert')).toEqual({ kind: 'favourability', value: 75 });
    expect(headline({ favourability: null, enps: -20, mean: 6 }, 'enps')).toEqual({
      kind: 'enps',
      value: -20,
    });
    expect(headline({ favourability: null, enps: null, mean: 1.5 }, 'single_choice')).toEqual({
      kind: 'mean',
      value: 1.5,
    });
    expect(headline({ favourability: null, enps: null, mean: null }, 'likert')).toBeNull();
  });
});

describe('formatting', () => {
  it('writes shares, signed scores and means in the viewer’s locale', () => {
    expect(percent(72.5, 'en')).toBe('72.5%');
    expect(percent(72.5, 'fr').replace(/\s/g, ' ')).toBe('72,5 %');
    expect(signedScore(23, 'en')).toBe('+23');
    expect(signedScore(-12.5, 'en')).toBe('−12.5');
    expect(signedScore(0, 'en')).toBe('0');
    expect(decimal(3.756, 'fr')).toBe('3,76');
    expect(longDate('2026-12-04T10:00:00Z', 'en')).toBe('December 4, 2026');
    expect(longDate('2026-12-04T10:00:00Z', 'fr')).toBe('4 décembre 2026');
  });
});

describe('survey catalogs', () => {
  const shape = (o: object) => Object.entries(o).map(([k, v]) => `${k}:${Array.isArray(v) ? `array${v.length}` : typeof v}`);
  it('French has exactly the keys of English, with the same kinds of values', () => {
    expect(shape(fr)).toEqual(shape(en));
  });
});
