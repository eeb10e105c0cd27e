import type { Context, MiddlewareHandler } from 'hono';
import { RateLimiterMemory, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { AppEnv } from './context.js';
import { Problem } from './problems.js';

/**
 * Named limits, each counted per credential. In memory by default; a deployment with several
 * instances passes limiters backed by a shared store (rate-limiter-flexible's Redis or
 * PostgreSQL limiters implement the same interface).
 */
export interface RateLimits {
  /** Token minting, per tenant API key. */
  mint: RateLimiterAbstract;
  /** Every other API-key and platform-key route, per key. */
  server: RateLimiterAbstract;
}

export function memoryRateLimits(): RateLimits {
  return {
    mint: new RateLimiterMemory({ keyPrefix: 'mint', points: 1200, duration: 60 }),
    server: new RateLimiterMemory({ keyPrefix: 'server', points: 600, duration: 60 }),
  };
}

export function rateLimit(name: keyof RateLimits): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const credential = c.get('credential');
    const key = credential.kind === 'none' ? `ip:${clientIp(c)}` : credential.principal;
    const limiter = c.get('deps').rateLimits[name];
    try {
      const res = await limiter.consume(key);
      c.header('RateLimit-Limit', String(limiter.points));
      c.header('RateLimit-Remaining', String(res.remainingPoints));
    } catch (rejection) {
      if (!(rejection instanceof RateLimiterRes)) throw rejection;
      const retryAfter = Math.max(1, Math.ceil(rejection.msBeforeNext / 1000));
      c.header('Retry-After', String(retryAfter));
      throw new Problem('rate-limited', `Try again in ${retryAfter} s.`, { retryAfter });
    }
    await next();
  };
}

/**
 * The peer address of the socket. Forwarded headers are not trusted: anyone can send them.
 * Behind a proxy, run Grove with the proxy's real-IP module rewriting the connection.
 */
export function clientIp(c: Context): string | undefined {
  const env = c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined;
  return env?.incoming?.socket?.remoteAddress?.replace(/^::ffff:/, '');
}
