import type { Logger } from 'pino';
import { v7 as uuidv7 } from 'uuid';
import type { Database } from '../db/client.js';
import { securityEvents, type SecurityEventType } from '../db/schema/security-events.js';
import type { AlertDispatcher } from './alerts.js';
import type { Metrics } from '../http/metrics.js';

export interface SecurityEventInput {
  type: SecurityEventType;
  tenantId?: string | null | undefined;
  targetTenantId?: string | null | undefined;
  actor?: string | null | undefined;
  requestId?: string | null | undefined;
  ip?: string | null | undefined;
  details?: Record<string, unknown>;
}

/**
 * Records security events (platform table, outside any tenant transaction so a rolled-back
 * request still leaves its trace), logs them at warn, counts them, and hands them to the alert
 * dispatcher (webhooks and e-mail, digested and rate-limited there: never here).
 * Recording never throws into the request that raised the event.
 */
export class SecurityEvents {
  constructor(
    private readonly db: Database,
    private readonly alerts: AlertDispatcher,
    private readonly log: Logger,
    private readonly metrics: Metrics,
  ) {}

  private pending = new Set<Promise<void>>();

  /**
   * Returns at once: the row is written in the background, so recording works even from inside
   * a tenant transaction (PGlite has one connection, which that transaction holds).
   */
  record(input: SecurityEventInput): string {
    const event = {
      id: uuidv7(),
      type: input.type,
      tenantId: input.tenantId ?? null,
      targetTenantId: input.targetTenantId ?? null,
      actor: input.actor ?? null,
      requestId: input.requestId ?? null,
      ip: input.ip && isIp(input.ip) ? input.ip : null,
      details: input.details ?? {},
    };
    const at = new Date();
    this.metrics.securityEvents.inc({ type: event.type });
    this.log.warn({ securityEvent: event }, `security event: ${event.type}`);
    this.track(this.db.insert(securityEvents).values({ ...event, at }));
    this.alerts.send({ ...event, at: at.toISOString() });
    return event.id;
  }

  /** Keeps a background task (a violation probe) in `drain()`'s view; logs its failure. */
  track(task: Promise<unknown>): void {
    const tracked = task
      .then(
        () => undefined,
        (error: unknown) => this.log.error({ err: (error as Error).message }, 'background security task failed'),
      )
      .finally(() => this.pending.delete(tracked));
    this.pending.add(tracked);
  }

  /** Resolves once every event recorded so far is stored (tests, shutdown). */
  async drain(): Promise<void> {
    while (this.pending.size) await Promise.allSettled([...this.pending]);
  }
}

function isIp(value: string): boolean {
  return /^[0-9.]+$/.test(value) || /^[0-9a-f:.]+$/i.test(value);
}
