import type { Logger } from 'pino';
import type { Config } from '../config.js';
import type { DatabaseHandle, Tx } from '../db/client.js';
import type { Role } from '../db/schema/people.js';
import type { KeyRing } from '../security/keyring.js';
import type { DataKeys } from '../security/data-keys.js';
import type { FieldCipher, TenantFields } from '../security/field-cipher.js';
import type { RevocationList } from '../security/revocations.js';
import type { SecurityEvents } from '../security/security-events.js';
import type { TokenService, WidgetClaims } from '../security/tokens.js';
import type { AlertDispatcher } from '../security/alerts.js';
import type { TenantInfo, TenantRegistry } from '../modules/platform/tenant-registry.js';
import type { Metrics } from './metrics.js';
import type { RateLimits } from './rate-limit.js';
import type { ViewerCache } from './viewer-cache.js';
import type { AuthFailureCounter } from './auth-failures.js';
import type { Scope } from './permissions.js';
import type { AuditNote } from './audit-trail.js';

/** Everything a request may need, built once per app by `createGrove()`. */
export interface GroveDeps {
  config: Config;
  database: DatabaseHandle;
  log: Logger;
  metrics: Metrics;
  keys: KeyRing;
  /** Tenant data keys (wrapped by the master key), cached per instance. */
  dataKeys: DataKeys;
  /** Seals and opens the free text people write; see security/field-cipher.ts. */
  cipher: FieldCipher;
  revocations: RevocationList;
  tokens: TokenService;
  events: SecurityEvents;
  alerts: AlertDispatcher;
  authFailures: AuthFailureCounter;
  tenants: TenantRegistry;
  rateLimits: RateLimits;
  viewers: ViewerCache;
  /** Rows per keyset batch of a data export. */
  exportBatchSize: number;
  /** An export whose reader takes nothing for this long is stopped (ms). */
  exportIdleMs: number;
  /** Path of the built script-tag bundle, served at /grove.js. */
  bundlePath: string;
}

export type Credential =
  | { kind: 'none' }
  | { kind: 'platform'; principal: 'platform' }
  | { kind: 'tenant_key'; tenantId: string; keyId: string; principal: string }
  | { kind: 'user'; tenantId: string; personId: string; claims: WidgetClaims; principal: string };

/** The token's user as the directory holds them now (loaded inside the unit of work). */
export interface Viewer {
  id: string;
  tenantId: string;
  role: Role;
  managerId: string | null;
  team: string | null;
  /** The token's scopes narrowed to what the current role allows. */
  scopes: Set<Scope>;
}

/**
 * Read these with `c.get('deps')`, not `c.var.deps`: Hono's `c.var` builds a fresh object from
 * every variable on each access (1 µs with a dozen set), and a request read them some thirty
 * times.
 */
export interface AppEnv {
  Variables: {
    requestId: string;
    log: Logger;
    deps: GroveDeps;
    credential: Credential;
    /** The tenant-scoped transaction; set for tenant credentials by `requires()`. */
    tx: Tx;
    viewer: Viewer;
    /** The field cipher bound to the credential's tenant, keys loaded (tenant credentials only). */
    fields: TenantFields;
    /** The credential's tenant (tenant credentials only). */
    tenant: TenantInfo;
    /** What a write's handler adds to its audit entry (target, details, a finer action). */
    audit: AuditNote | undefined;
    /** Work to run once the unit of work has ended (security-event probes, alerts). */
    afterwards: Array<() => Promise<void>>;
  };
}
