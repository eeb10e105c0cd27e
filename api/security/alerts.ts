import type { Logger } from 'pino';
import type { Transporter } from 'nodemailer';
import type { Metrics } from '../http/metrics.js';
import { deliverEmail, deliverWebhook, type DeliveryOptions } from './alert-channels.js';
import { AlertThrottle, DEFAULT_THROTTLE, type AlertMessage, type ThrottleOptions } from './alert-throttle.js';

export { signWebhook } from './alert-channels.js';

export interface AlertPayload {
  id: string;
  type: string;
  at: string;
  tenantId?: string | null;
  targetTenantId?: string | null;
  [field: string]: unknown;
}

/** Where one tenant's own alerts go, as its admins configured them (`PUT /v1/alert-settings`). */
export interface TenantAlertTargets {
  webhook: { url: string; secret: string } | undefined;
  emails: string[];
}

export interface AlertOptions {
  /** The platform operator's webhook (GROVE_ALERT_WEBHOOK_URL) and its signing secret. */
  webhookUrl: string | undefined;
  webhookSecret: string;
  /** SMTP (GROVE_SMTP_URL): the transport, the sender, the operator's recipients. */
  email?: { transport: Transporter; from: string; to: string[] } | undefined;
  log: Logger;
  /** Counts messages by channel and outcome (`grove_alert_messages_total`). */
  metrics?: Metrics;
  delivery?: DeliveryOptions;
  throttle?: Partial<ThrottleOptions>;
  /** How long a tenant's targets are cached (other instances see a change after this). */
  targetsTtlMs?: number;
}

/**
 * Sends security events to people: the platform operator's webhook and e-mail, and each tenant's
 * own webhook and e-mail recipients. A tenant is told only about events that concern it: its own
 * credential's, or an attempt on its data (then without the other tenant's identity; and the
 * acting tenant is not told, see `tenantToTell`).
 * Everything happens off the request path and never throws into it; an `AlertThrottle` turns
 * bursts into digests and caps what each destination receives.
 */
export class AlertDispatcher {
  private readonly throttle: AlertThrottle;
  private readonly inFlight = new Set<Promise<unknown>>();
  private readonly targets = new Map<string, { at: number; targets: Promise<TenantAlertTargets | undefined> }>();
  private tenantTargets: ((tenantId: string) => Promise<TenantAlertTargets | undefined>) | undefined;

  constructor(private readonly options: AlertOptions) {
    this.throttle = new AlertThrottle({ ...DEFAULT_THROTTLE, ...options.throttle });
  }

  /** Where tenants' own targets are read from (set once the database is open). */
  readTenantTargetsWith(reader: (tenantId: string) => Promise<TenantAlertTargets | undefined>): void {
    this.tenantTargets = reader;
  }

  /** Forgets a tenant's cached targets (its settings changed). */
  invalidateTenant(tenantId: string): void {
    this.targets.delete(tenantId);
  }

  send(event: AlertPayload): void {
    const { webhookUrl, webhookSecret, email, log, delivery } = this.options;
    const group = `${event.tenantId ?? '-'}|${event.targetTenantId ?? '-'}|${event.type}`;
    if (webhookUrl) {
      this.throttle.offer('platform:webhook', (m) => this.deliver('webhook', deliverWebhook(webhookUrl, webhookSecret, m, log, delivery)), group, event);
    }
    if (email && email.to.length > 0) {
      this.throttle.offer('platform:email', (m) => this.deliver('email', deliverEmail(email.transport, email.from, email.to, m, log, delivery)), group, event);
    }
    const tenantId = tenantToTell(event);
    if (tenantId) this.track(this.sendToTenant(tenantId, event, group));
  }

  /** Resolves when every delivery started so far has ended (tests; digests still waiting are not). */
  async drain(): Promise<void> {
    while (this.inFlight.size) await Promise.allSettled([...this.inFlight]);
  }

  /** Sends what waits for a window or a token, then drains (shutdown). */
  async close(): Promise<void> {
    await this.drain();
    this.throttle.flush();
    await this.drain();
  }

  private async sendToTenant(tenantId: string, event: AlertPayload, group: string): Promise<void> {
    const targets = await this.targetsOf(tenantId);
    if (!targets) return;
    const { email, log, delivery } = this.options;
    const view = viewFor(tenantId, event);
    const { webhook } = targets;
    if (webhook) {
      this.throttle.offer(`tenant:${tenantId}:webhook`, (m) => this.deliver('webhook', deliverWebhook(webhook.url, webhook.secret, m, log, delivery)), group, view);
    }
    if (email && targets.emails.length > 0) {
      const to = targets.emails;
      this.throttle.offer(`tenant:${tenantId}:email`, (m) => this.deliver('email', deliverEmail(email.transport, email.from, to, m, log, delivery)), group, view);
    }
  }

  private targetsOf(tenantId: string): Promise<TenantAlertTargets | undefined> {
    if (!this.tenantTargets) return Promise.resolve(undefined);
    const cached = this.targets.get(tenantId);
    if (cached && Date.now() - cached.at < (this.options.targetsTtlMs ?? 30_000)) return cached.targets;
    const targets = this.tenantTargets(tenantId).catch((error: unknown) => {
      this.options.log.error({ tenantId, err: (error as Error).message }, 'reading alert settings failed');
      this.targets.delete(tenantId);
      return undefined;
    });
    this.targets.set(tenantId, { at: Date.now(), targets });
    return targets;
  }

  private deliver(channel: 'webhook' | 'email', delivery: Promise<boolean>): void {
    this.track(delivery.then((ok) => this.options.metrics?.alertMessages.inc({ channel, outcome: ok ? 'delivered' : 'failed' })));
  }

  private track(work: Promise<unknown>): void {
    const tracked = work
      .catch((error: unknown) => this.options.log.error({ err: (error as Error).message }, 'alert delivery crashed'))
      .finally(() => this.inFlight.delete(tracked));
    this.inFlight.add(tracked);
  }
}

/**
 * Which tenant hears of an event. An attempt by one tenant's credential on another tenant's data
 * goes to the target only: telling the acting tenant would tell whoever holds its credential that
 * the id exists elsewhere, which the identical 404 is there to hide.
 */
export function tenantToTell(event: AlertPayload): string | null | undefined {
  if (event.targetTenantId && event.targetTenantId !== event.tenantId) return event.targetTenantId;
  return event.tenantId;
}

/**
 * What a tenant may see of an event. Its own credential's events, whole; an attempt on its data
 * by another tenant's credential, without who that was (the other tenant, actor, ip, request id).
 */
export function viewFor(tenantId: string, event: AlertPayload): AlertPayload {
  if (event.tenantId === tenantId) return event;
  const details = (event.details ?? {}) as Record<string, unknown>;
  return {
    id: event.id,
    type: event.type,
    at: event.at,
    tenantId: null,
    targetTenantId: tenantId,
    details: { reason: details.reason ?? null, table: details.table ?? null, id: details.id ?? null },
  };
}

export type { AlertMessage };
