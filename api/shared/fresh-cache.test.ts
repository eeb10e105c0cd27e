import { afterEach, describe, expect, it, vi } from 'vitest';
import { FreshCache } from './fresh-cache.js';

afterEach(() => vi.useRealTimers());

/** A read that finishes when the test says so, counting how often it was started. */
function reads<V>() {
  const pending: Array<{ resolve(value: V): void; reject(error: Error): void }> = [];
  return {
    pending,
    get started() {
      return pending.length;
    },
    load: () => new Promise<V>((resolve, reject) => pending.push({ resolve, reject })),
  };
}

describe('FreshCache', () => {
  it('serves one read to every caller that missed while it ran', async () => {
    const cache = new FreshCache<string>(1_000);
    const source = reads<string>();
    const answers = Array.from({ length: 10 }, () => cache.get('k', source.load));
    expect(source.started).toBe(1);
    source.pending[0]!.resolve('v1');
    expect(await Promise.all(answers)).toEqual(Array(10).fill('v1'));
  });

  it('renews an entry past half its life through one caller while the others are answered from it', async () => {
    vi.useFakeTimers();
    const cache = new FreshCache<string>(1_000);
    const source = reads<string>();
    const first = cache.get('k', source.load);
    source.pending[0]!.resolve('v1');
    await first;

    vi.advanceTimersByTime(499);
    expect(await cache.get('k', source.load)).toBe('v1');
    expect(source.started).toBe(1);

    vi.advanceTimersByTime(1);
    const renewing = cache.get('k', source.load);
    expect(source.started).toBe(2);
    expect(await cache.get('k', source.load)).toBe('v1');
    expect(source.started).toBe(2);
    source.pending[1]!.resolve('v2');
    expect(await renewing).toBe('v2');
    expect(await cache.get('k', source.load)).toBe('v2');
  });

  it('never answers from an entry older than its TTL, counted from when its read began', async () => {
    vi.useFakeTimers();
    const cache = new FreshCache<string>(1_000);
    const source = reads<string>();
    const first = cache.get('k', source.load);
    vi.advanceTimersByTime(300); // a slow read: the entry's age counts from its start
    source.pending[0]!.resolve('v1');
    await first;

    vi.advanceTimersByTime(700);
    const waiting = cache.get('k', source.load);
    expect(source.started).toBe(2);
    source.pending[1]!.resolve('v2');
    expect(await waiting).toBe('v2');
  });

  it('does not keep what a read saw when the key was dropped while it ran', async () => {
    const cache = new FreshCache<string>(1_000);
    const source = reads<string>();
    const stale = cache.get('tenant-1:a', source.load);
    cache.deleteWhere((key) => key.startsWith('tenant-1:'));
    source.pending[0]!.resolve('before the change');
    expect(await stale).toBe('before the change');

    const fresh = cache.get('tenant-1:a', source.load);
    expect(source.started).toBe(2);
    source.pending[1]!.resolve('after the change');
    expect(await fresh).toBe('after the change');
  });

  it('keeps no failed read, and a caller waiting on one reads for itself', async () => {
    const cache = new FreshCache<string>(1_000);
    const failing = reads<string>();
    const own = reads<string>();
    const first = cache.get('k', failing.load);
    const waiter = cache.get('k', own.load);
    failing.pending[0]!.reject(new Error('connection lost'));
    await expect(first).rejects.toThrow('connection lost');
    await vi.waitFor(() => expect(own.started).toBe(1));
    own.pending[0]!.resolve('v1');
    expect(await waiter).toBe('v1');
    expect(await cache.get('k', failing.load)).toBe('v1');
  });

  it('holds at most its bound', async () => {
    const cache = new FreshCache<number>(1_000, 3);
    for (let i = 0; i < 5; i++) await cache.get(`k${i}`, async () => i);
    let reread = 0;
    for (let i = 0; i < 5; i++) await cache.get(`k${i}`, async () => (reread++, i));
    expect(reread).toBeGreaterThanOrEqual(3); // the three oldest at least were dropped
  });
});
