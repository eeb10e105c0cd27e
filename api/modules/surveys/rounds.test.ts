import { describe, expect, it } from 'vitest';
import { currentRound, openedRounds, status, type Schedule } from './rounds.js';
import { populationHidden, suppressChildren } from './suppression.js';

const at = (iso: string) => new Date(iso);
const schedule = (over: Partial<Schedule> = {}): Schedule => ({
  opensAt: at('2026-01-31T09:00:00Z'),
  closesAt: at('2026-02-03T09:00:00Z'),
  recurrence: null,
  closedAt: null,
  ...over,
});

describe('rounds', () => {
  it('a one-off survey: scheduled, open, closed', () => {
    const s = schedule();
    expect(status(s, at('2026-01-30T00:00:00Z'))).toBe('scheduled');
    expect(currentRound(s, at('2026-02-01T00:00:00Z'))).toEqual({ number: 1, opensAt: '2026-01-31T09:00:00.000Z', closesAt: '2026-02-03T09:00:00.000Z' });
    expect(status(s, at('2026-02-04T00:00:00Z'))).toBe('closed');
    expect(openedRounds(s, at('2026-03-01T00:00:00Z'))).toHaveLength(1);
  });

  it('monthly rounds follow the calendar month and last as long as the first', () => {
    const s = schedule({ recurrence: { every: 'month', rounds: 3 } });
    const rounds = openedRounds(s, at('2026-12-01T00:00:00Z'));
    expect(rounds.map((r) => r.opensAt)).toEqual(['2026-01-31T09:00:00.000Z', '2026-03-03T09:00:00.000Z', '2026-03-31T09:00:00.000Z']);
    expect(status(s, at('2026-12-01T00:00:00Z'))).toBe('closed');
    // Between two rounds the survey is open, with no current round.
    expect(status(s, at('2026-02-10T00:00:00Z'))).toBe('open');
    expect(currentRound(s, at('2026-02-10T00:00:00Z'))).toBeNull();
  });

  it('an explicit close cuts the running round short and stops later ones', () => {
    const s = schedule({ recurrence: { every: 'week', rounds: null }, closedAt: at('2026-02-08T12:00:00Z') });
    const rounds = openedRounds(s, at('2026-06-01T00:00:00Z'));
    expect(rounds.map((r) => [r.number, r.closesAt])).toEqual([
      [1, '2026-02-03T09:00:00.000Z'],
      [2, '2026-02-08T12:00:00.000Z'],
    ]);
    expect(status(s, at('2026-02-09T00:00:00Z'))).toBe('closed');
  });
});

describe('suppression rules', () => {
  it('hides small children, then the smallest shown ones until the hidden hold k together', () => {
    expect(Object.fromEntries(suppressChildren(new Map([['a', 3], ['b', 6]]), 5))).toEqual({ a: 'below_threshold', b: 'differencing' });
    expect(Object.fromEntries(suppressChildren(new Map([['a', 2], ['b', 2], ['c', 7], ['d', 6]]), 5))).toEqual({ a: 'below_threshold', b: 'below_threshold', c: null, d: 'differencing' });
    expect(Object.fromEntries(suppressChildren(new Map([['a', 3], ['b', 4], ['c', 6]]), 5))).toEqual({ a: 'below_threshold', b: 'below_threshold', c: null });
    expect(Object.fromEntries(suppressChildren(new Map([['a', 5], ['b', 6]]), 5))).toEqual({ a: null, b: null });
  });

  it('a filtered population is hidden when it, or what it leaves of a broader one, is small', () => {
    const k = 5;
    expect(populationHidden({ all: 19, team: 4, line: 19, population: 4 }, { team: true, manager: false }, k)).toBe('below_threshold');
    expect(populationHidden({ all: 12, team: 9, line: 12, population: 9 }, { team: true, manager: false }, k)).toBe('differencing');
    expect(populationHidden({ all: 19, team: 6, line: 9, population: 6 }, { team: true, manager: true }, k)).toBe('differencing');
    expect(populationHidden({ all: 19, team: 6, line: 9, population: 6 }, { team: true, manager: false }, k)).toBeNull();
    expect(populationHidden({ all: 4, team: 4, line: 4, population: 4 }, { team: false, manager: false }, k)).toBe('below_threshold');
  });
});
