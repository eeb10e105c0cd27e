import { afterEach, describe, expect, it, vi } from 'vitest';
import { OpenedValues } from './opened-values.js';

afterEach(() => vi.useRealTimers());

describe('OpenedValues', () => {
  it('keeps a plaintext for its TTL only', () => {
    vi.useFakeTimers();
    const opened = new OpenedValues(10, 1_000);
    const key = OpenedValues.key('t1', 1, 'praise|message|r1', 'f1.1.abc');
    opened.set(key, 'hello');
    vi.advanceTimersByTime(999);
    expect(opened.get(key)).toBe('hello');
    vi.advanceTimersByTime(1);
    expect(opened.get(key)).toBeUndefined();
    expect(opened.size).toBe(0);
  });

  it('holds at most its bound, dropping the oldest first', () => {
    const opened = new OpenedValues(10);
    for (let i = 0; i < 25; i++) opened.set(OpenedValues.key('t1', 1, `praise|message|r${i}`, 'x'), `v${i}`);
    expect(opened.size).toBeLessThanOrEqual(10);
    expect(opened.get(OpenedValues.key('t1', 1, 'praise|message|r0', 'x'))).toBeUndefined();
    expect(opened.get(OpenedValues.key('t1', 1, 'praise|message|r24', 'x'))).toBe('v24');
  });

  it('forgets one tenant without touching the others', () => {
    const opened = new OpenedValues();
    opened.set(OpenedValues.key('t1', 1, 'p', 'a'), 'one');
    opened.set(OpenedValues.key('t10', 1, 'p', 'a'), 'ten');
    opened.forgetTenant('t1');
    expect(opened.get(OpenedValues.key('t1', 1, 'p', 'a'))).toBeUndefined();
    expect(opened.get(OpenedValues.key('t10', 1, 'p', 'a'))).toBe('ten');
  });

  it('remembers nothing when sized 0', () => {
    const opened = new OpenedValues(0);
    opened.set(OpenedValues.key('t1', 1, 'p', 'a'), 'one');
    expect(opened.size).toBe(0);
  });
});
