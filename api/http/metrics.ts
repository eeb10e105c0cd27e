import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Prometheus metrics, one registry per app so several apps (tests) never collide. */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'grove_' });
  return {
    registry,
    requests: new Counter({
      name: 'grove_http_requests_total',
      help: 'HTTP requests by route, method and status.',
      labelNames: ['method', 'route', 'status'] as const,
      registers: [registry],
    }),
    latency: new Histogram({
      name: 'grove_http_request_duration_seconds',
      help: 'HTTP request latency by route, method and status.',
      labelNames: ['method', 'route', 'status'] as const,
      buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
    tokensMinted: new Counter({
      name: 'grove_tokens_minted_total',
      help: 'Widget tokens minted.',
      registers: [registry],
    }),
    exportBatches: new Counter({
      name: 'grove_export_batches_total',
      help: 'Batches of rows read by data exports.',
      registers: [registry],
    }),
    exportRows: new Counter({
      name: 'grove_export_rows_total',
      help: 'Rows written by data exports.',
      registers: [registry],
    }),
    securityEvents: new Counter({
      name: 'grove_security_events_total',
      help: 'Security events by type.',
      labelNames: ['type'] as const,
      registers: [registry],
    }),
    alertMessages: new Counter({
      name: 'grove_alert_messages_total',
      help: 'Alert messages (an event or a digest) by channel and outcome (delivered, or failed after every retry).',
      labelNames: ['channel', 'outcome'] as const,
      registers: [registry],
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
