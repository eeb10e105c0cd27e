import { createHmac } from 'node:crypto';
import type { Logger } from 'pino';
import type { Transporter } from 'nodemailer';
import type { AlertMessage } from './alert-throttle.js';

export interface DeliveryOptions {
  attempts?: number;
  baseDelayMs?: number;
  timeoutMs?: number;
}

/**
 * The webhook body: the first event of the message, as before digests existed, plus `count`
 * (how many events of this type for this tenant it stands for), `lastAt` and `eventIds`.
 */
export function webhookBody(message: AlertMessage): string {
  return JSON.stringify({ ...message.event, count: message.count, lastAt: message.lastAt, eventIds: message.eventIds });
}

/**
 * POSTs a message signed like Stripe's: `Grove-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of
 * "<t>.<body>">`, retried with exponential backoff, each attempt signed afresh.
 */
export async function deliverWebhook(url: string, secret: string, message: AlertMessage, log: Logger, options: DeliveryOptions = {}): Promise<boolean> {
  const body = webhookBody(message);
  const eventId = message.event.id;
  return withRetries(log, { eventId, channel: 'webhook' }, options, async () => {
    const t = Math.floor(Date.now() / 1000);
    const response = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'grove-signature': `t=${t},v1=${signWebhook(secret, t, body)}`,
        'grove-event-id': eventId,
        'grove-event-count': String(message.count),
      },
      body,
      redirect: 'manual', // a redirect could send the signed alert somewhere nobody configured
      signal: AbortSignal.timeout(options.timeoutMs ?? 5_000),
    });
    await response.body?.cancel();
    if (!response.ok) throw new Error(`answered ${response.status}`);
  });
}

export function signWebhook(secret: string, timestamp: number, body: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
}

/** One e-mail per message to every recipient of the destination, through the SMTP transport. */
export async function deliverEmail(
  transport: Transporter,
  from: string,
  to: string[],
  message: AlertMessage,
  log: Logger,
  options: DeliveryOptions = {},
): Promise<boolean> {
  const { event, count } = message;
  const subject = `[Grove] ${event.type}${count > 1 ? ` (${count} events)` : ''}${event.tenantId ? ` (tenant ${String(event.tenantId)})` : ''}`;
  const text = [
    count > 1
      ? `${count} ${event.type} events between ${event.at} and ${message.lastAt}. The first one:`
      : `A ${event.type} event at ${event.at}:`,
    '',
    JSON.stringify(event, null, 2),
    '',
    count > 1 ? `Event ids (first ${message.eventIds.length}): ${message.eventIds.join(', ')}` : `Event id: ${event.id}`,
    'Every event is kept in Grove\'s security events (GET /v1/platform/security-events).',
  ].join('\n');
  return withRetries(log, { eventId: event.id, channel: 'email' }, options, () =>
    transport.sendMail({ from, to, subject, text, headers: { 'Grove-Event-Id': event.id, 'Grove-Event-Count': String(count) } }),
  );
}

/** True once an attempt succeeds; false (logged at error) when every attempt failed. */
async function withRetries(log: Logger, context: Record<string, string>, options: DeliveryOptions, attempt: () => Promise<unknown>): Promise<boolean> {
  const attempts = options.attempts ?? 5;
  const base = options.baseDelayMs ?? 500;
  for (let n = 1; n <= attempts; n++) {
    try {
      await attempt();
      return true;
    } catch (error) {
      log.warn({ ...context, attempt: n, err: (error as Error).message }, 'alert delivery failed');
    }
    if (n < attempts) await new Promise((r) => setTimeout(r, base * 2 ** (n - 1)).unref());
  }
  log.error(context, 'alert delivery gave up');
  return false;
}
