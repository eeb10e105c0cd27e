import type { Recurrence, Round, SurveyStatus } from './surveys.schemas.js';

/** What the round arithmetic needs of a stored survey. */
export interface Schedule {
  opensAt: Date;
  closesAt: Date;
  recurrence: Recurrence | null;
  closedAt: Date | null;
}

const DAY = 86_400_000;

/** The start of round `n` (1-based): a week, two weeks or a calendar month after the previous. */
function roundStart(s: Schedule, n: number): Date {
  const every = s.recurrence?.every;
  if (!every || n === 1) return s.opensAt;
  if (every === 'week') return new Date(s.opensAt.getTime() + (n - 1) * 7 * DAY);
  if (every === 'two_weeks') return new Date(s.opensAt.getTime() + (n - 1) * 14 * DAY);
  const d = new Date(s.opensAt);
  d.setUTCMonth(d.getUTCMonth() + (n - 1));
  return d;
}

/** The shortest gap between two round starts, which a round's length must fit in. */
export function periodMs(every: Recurrence['every']): number {
  return every === 'week' ? 7 * DAY : every === 'two_weeks' ? 14 * DAY : 28 * DAY;
}

export function round(s: Schedule, n: number): Round {
  const opens = roundStart(s, n);
  let closes = new Date(opens.getTime() + (s.closesAt.getTime() - s.opensAt.getTime()));
  if (s.closedAt && s.closedAt < closes) closes = s.closedAt;
  return { number: n, opensAt: opens.toISOString(), closesAt: closes.toISOString() };
}

/** Rounds that have opened by `now`, oldest first (an explicit close stops later ones). */
export function openedRounds(s: Schedule, now: Date): Round[] {
  const out: Round[] = [];
  const last = s.recurrence ? (s.recurrence.rounds ?? Infinity) : 1;
  for (let n = 1; n <= last; n++) {
    const start = roundStart(s, n);
    if (start > now || (s.closedAt && start >= s.closedAt)) break;
    out.push(round(s, n));
  }
  return out;
}

/** The round open at `now`, if any. */
export function currentRound(s: Schedule, now: Date): Round | null {
  const latest = openedRounds(s, now).at(-1);
  return latest && new Date(latest.closesAt) > now ? latest : null;
}

export function status(s: Schedule, now: Date): SurveyStatus {
  if (s.closedAt && s.closedAt <= now) return 'closed';
  if (now < s.opensAt) return 'scheduled';
  if (currentRound(s, now)) return 'open';
  const finite = s.recurrence ? s.recurrence.rounds : 1;
  if (finite !== null && openedRounds(s, now).length >= finite) return 'closed';
  return 'open'; // between two rounds of a recurring survey
}
