import { describe, expect, it } from 'vitest';
import type { Survey } from '../../api/modules/surveys/surveys.schemas.js';
import { phaseOf } from './survey-phase.js';

const round = { number: 2, opensAt: '2026-01-05T00:00:00Z', closesAt: '2026-01-10T00:00:00Z' };
const open: Survey = {
  id: 's',
  title: 'Pulse',
  description: null,
  questions: [],
  audience: { kind: 'tenant' },
  opensAt: '2025-12-29T00:00:00Z',
  closesAt: '2026-01-03T00:00:00Z',
  recurrence: { every: 'week', rounds: null },
  anonymityThreshold: 5,
  commentThreshold: 10,
  status: 'open',
  currentRound: round,
  createdAt: '2025-12-01T00:00:00Z',
  viewer: { inAudience: true, responded: false },
};

describe('phaseOf', () => {
  it('answers an open round for someone in the audience who has not answered it', () => {
    expect(phaseOf(open)).toBe('answering');
  });

  it('says why anything else cannot be answered', () => {
    expect(phaseOf(undefined)).toBe('none');
    expect(phaseOf({ ...open, status: 'closed' })).toBe('closed');
    expect(phaseOf({ ...open, status: 'scheduled', currentRound: null })).toBe('not-open');
    // A pulse between two rounds: open, but no round to answer now.
    expect(phaseOf({ ...open, currentRound: null })).toBe('not-open');
    expect(phaseOf({ ...open, viewer: { inAudience: false, responded: false } })).toBe('not-in-audience');
    expect(phaseOf({ ...open, viewer: { inAudience: true, responded: true } })).toBe('already');
  });

  it('lets a token without a viewer (no user) see the form; the API decides on submit', () => {
    expect(phaseOf({ ...open, viewer: undefined })).toBe('answering');
  });
});
