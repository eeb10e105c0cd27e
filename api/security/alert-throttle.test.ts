import { describe, expect, it } from 'vitest';
import { webhookUrlProblem } from '../modules/alerts/webhook-url.js';
import { AlertThrottle, type AlertMessage } from './alert-throttle.js';

const event = (n: number, type = 'token_rejected') => ({ id: `e${n}`, type, at: new Date(1_000 + n).toISOString() });

describe('alert throttle', () => {
  it('caps a destination at its burst across many groups, keeps the rest waiting and counted, and sends them on flush', () => {
    const sent: AlertMessage[] = [];
    // A clock that never moves: no token comes back, no window ends.
    const throttle = new AlertThrottle({ windowMs: 60_000, burst: 5, perMinute: 1 }, () => 0);
    for (let i = 0; i < 30; i++) throttle.offer('platform:webhook', (m) => sent.push(m), `tenant-${i}|token_rejected`, event(i));
    for (let i = 30; i < 90; i++) throttle.offer('platform:webhook', (m) => sent.push(m), `tenant-${i % 30}|token_rejected`, event(i));
    expect(sent).toHaveLength(5);
    expect(throttle.waiting()).toBe(30);
    throttle.flush();
    expect(sent).toHaveLength(35);
    expect(sent.reduce((n, m) => n + m.count, 0)).toBe(90);
    expect(throttle.waiting()).toBe(0);
  });

  it('gives each destination its own bucket', () => {
    const sent: Record<string, number> = {};
    const throttle = new AlertThrottle({ windowMs: 60_000, burst: 2, perMinute: 1 }, () => 0);
    for (const destination of ['platform:webhook', 'platform:email', 'tenant:a:webhook']) {
      for (let i = 0; i < 10; i++) throttle.offer(destination, () => (sent[destination] = (sent[destination] ?? 0) + 1), `g${i}`, event(i));
    }
    expect(sent).toEqual({ 'platform:webhook': 2, 'platform:email': 2, 'tenant:a:webhook': 2 });
    throttle.flush();
  });

  it('without a window, every event is its own message while tokens last', () => {
    const sent: AlertMessage[] = [];
    const throttle = new AlertThrottle({ windowMs: 0, burst: 100, perMinute: 1 }, () => 0);
    for (let i = 0; i < 50; i++) throttle.offer('d', (m) => sent.push(m), 'same', event(i));
    expect(sent.map((m) => m.count)).toEqual(Array(50).fill(1));
  });
});

describe('tenant webhook URLs', () => {
  it('outside production: https anywhere, http only to loopback', () => {
    expect(webhookUrlProblem('https://hooks.acme.com/grove', false)).toBeUndefined();
    expect(webhookUrlProblem('http://localhost:3000/hook', false)).toBeUndefined();
    expect(webhookUrlProblem('http://127.0.0.1:3000/hook', false)).toBeUndefined();
    expect(webhookUrlProblem('http://[::1]:3000/hook', false)).toBeUndefined();
    expect(webhookUrlProblem('http://hooks.acme.com/grove', false)).toMatch(/https/);
  });

  it('in production: https only, and never to this machine or a private network', () => {
    expect(webhookUrlProblem('https://hooks.acme.com/grove', true)).toBeUndefined();
    for (const url of [
      'http://localhost:3000/hook',
      'https://localhost/hook',
      'https://api.localhost/hook',
      'https://127.0.0.1/hook',
      'https://10.1.2.3/hook',
      'https://172.20.0.1/hook',
      'https://192.168.1.1/hook',
      'https://169.254.169.254/latest/meta-data',
      'https://[::1]/hook',
      'https://[fd00::1]/hook',
      'https://[::ffff:10.0.0.1]/hook',
    ]) {
      expect(webhookUrlProblem(url, true), url).toBeDefined();
    }
  });

  it('never with credentials, a fragment, or another scheme', () => {
    expect(webhookUrlProblem('https://u:p@hooks.acme.com/', false)).toMatch(/credentials/);
    expect(webhookUrlProblem('https://hooks.acme.com/#x', false)).toMatch(/fragment/);
    expect(webhookUrlProblem('javascript:alert(1)', false)).toMatch(/https/);
    expect(webhookUrlProblem('nope', false)).toMatch(/not a URL/);
  });
});
