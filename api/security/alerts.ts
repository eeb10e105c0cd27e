import { createHmac } from 'node:crypto';
import type { Logger } from 'pino';

export interface AlertPayload {
  id: string;
  type: string;
  at: string;
  [field: string]: unknown;
}

/**
 * Pushes security events to the platform operator's webhook, signed like Stripe's:
 * header `Grove-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`.
 * Delivery happens off the request path, retried with exponential backoff; a failing or slow
 * receiver never slows or fails the request that raised the event.
 */
export class AlertWebhook {
  private inFlight = new Set<Promise<void>>();

  constructor(
    private readonly url: string | undefined,
    private readonly secret: string,
    private readonly log: Logger,
    private readonly options: { attempts?: number; baseDelayMs?: number; timeoutMs?: number } = {},
  ) {}

  send(payload: AlertPayload): void {
    if (!this.url) return;
    const delivery = this.deliver(this.url, payload).finally(() => this.inFlight.delete(delivery));
    this.inFlight.add(delivery);
  }

  /** Resolves when every pending delivery has finished (tests, graceful shutdown). */
  async drain(): Promise<void> {
    while (this.inFlight.size) await Promise.allSettled([...this.inFlight]);
  }

  private async deliver(url: string, payload: AlertPayload): Promise<void> {
    const attempts = this.options.attempts ?? 5;
    const base = this.options.baseDelayMs ?? 500;
    const body = JSON.stringify(payload);
    for (let attempt = 1; attempt <= attempts; attempt++) {
      const t = Math.floor(Date.now() / 1000);
      try {
        const response = await fetch(url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'grove-signature': `t=${t},v1=${signWebhook(this.secret, t, body)}`,
            'grove-event-id': payload.id,
          },
          body,
          signal: AbortSignal.timeout(this.options.timeoutMs ?? 5_000),
        });
        if (response.ok) return;
        this.log.warn({ eventId: payload.id, status: response.status, attempt }, 'alert webhook refused');
      } catch (error) {
        this.log.warn({ eventId: payload.id, attempt, err: (error as Error).message }, 'alert webhook failed');
      }
      if (attempt < attempts) await new Promise((r) => setTimeout(r, base * 2 ** (attempt - 1)).unref());
    }
    this.log.error({ eventId: payload.id }, 'alert webhook gave up');
  }
}

export function signWebhook(secret: string, timestamp: number, body: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
}
