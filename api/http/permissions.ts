import type { Role } from '../db/schema/people.js';

/**
 * Who may do what: the one table. Every route names one of these permissions (see
 * `requires()` in authorize.ts); a test fails when a route names none.
 *
 * A widget token may do what its scopes grant AND its user's role allows: at mint time the scopes
 * asked for are narrowed to the role's (the response says which were granted; none left is a
 * 403), and on every request they are narrowed again against the role the directory holds now,
 * so demoting someone takes effect before their token expires.
 */
export const SCOPES = [
  'praise:read',
  'praise:write',
  'praise:moderate',
  'surveys:respond',
  'surveys:read',
  'surveys:manage',
  'okrs:read',
  'okrs:write',
  'reviews:read',
  'reviews:write',
  'audit:read',
  'alerts:manage',
  /** Export the whole tenant's data (GET /v1/export); admins only. */
  'data:export',
] as const;
export type Scope = (typeof SCOPES)[number];

const EVERYONE: readonly Scope[] = [
  'praise:read',
  'praise:write',
  'surveys:respond',
  'okrs:read',
  'okrs:write',
  'reviews:read',
  'reviews:write',
];

/** The scopes each role may ever hold. */
export const ROLE_SCOPES: Record<Role, readonly Scope[]> = {
  employee: EVERYONE,
  manager: [...EVERYONE, 'surveys:read'],
  hr_admin: [...EVERYONE, 'surveys:read', 'surveys:manage', 'praise:moderate'],
  admin: SCOPES,
};

export type CredentialKind = 'platform' | 'tenant_key' | 'user';

interface PermissionRule {
  /** Which kinds of credential may use it. */
  credentials: readonly CredentialKind[];
  /** For user tokens: any one of these scopes suffices (empty: any valid token). */
  anyScope?: readonly Scope[];
  /** Whether a resource-locked (`res`) token may use it regardless of its resource. */
  ignoresResourceLock?: boolean;
}

export const PERMISSIONS = {
  /** Health, readiness, JWKS, OpenAPI, the bundle: no credential. */
  public: { credentials: [] },
  /** Operations for the platform operator. */
  'platform.manage': { credentials: ['platform'] },
  'platform.security-events.read': { credentials: ['platform'] },
  'platform.audit.read': { credentials: ['platform'] },
  /** The tenant's audit trail and alert destinations: its API key, or an admin's token. */
  'audit.read': { credentials: ['user', 'tenant_key'], anyScope: ['audit:read'] },
  'alerts.manage': { credentials: ['user', 'tenant_key'], anyScope: ['alerts:manage'] },
  /** A tenant's archive (GDPR art. 20) for the operator. */
  'platform.export': { credentials: ['platform'] },
  /** The tenant's archive: its admins (scope data:export) or its backend. */
  'data.export': { credentials: ['user', 'tenant_key'], anyScope: ['data:export'] },
  /** One person's own archive: any valid token of theirs (not a resource-locked one). */
  'me.export': { credentials: ['user'], anyScope: [] },
  /** Directory sync from the host backend. */
  'directory.write': { credentials: ['tenant_key'] },
  /** GDPR article 17: erase one person (the host's backend, which knows who asked). */
  'directory.erase': { credentials: ['tenant_key'] },
  'tokens.mint': { credentials: ['tenant_key'] },
  'tokens.revoke': { credentials: ['tenant_key'] },
  'me.read': { credentials: ['user'], anyScope: [], ignoresResourceLock: true },
  'people.search': { credentials: ['user'], anyScope: ['praise:read', 'praise:write'] },
  'values.read': { credentials: ['user', 'tenant_key'], anyScope: ['praise:read', 'praise:write'] },
  'praise.read': { credentials: ['user'], anyScope: ['praise:read'] },
  'praise.write': { credentials: ['user'], anyScope: ['praise:write'] },
  'praise.react': { credentials: ['user'], anyScope: ['praise:write'] },
  /** Delete: the giver with praise:write; anyone else needs praise:moderate (checked in the service). */
  'praise.delete': { credentials: ['user'], anyScope: ['praise:write', 'praise:moderate'] },
  /** Surveys: docs/surveys.md. Results are aggregates only; managers see their own reporting line. */
  'surveys.manage': { credentials: ['user', 'tenant_key'], anyScope: ['surveys:manage'] },
  'surveys.respond': { credentials: ['user'], anyScope: ['surveys:respond'] },
  'surveys.results': { credentials: ['user', 'tenant_key'], anyScope: ['surveys:read'] },
  'surveys.read': { credentials: ['user', 'tenant_key'], anyScope: ['surveys:respond', 'surveys:read', 'surveys:manage'] },
} as const satisfies Record<string, PermissionRule>;

export type Permission = keyof typeof PERMISSIONS;

export function ruleOf(permission: Permission): PermissionRule {
  return PERMISSIONS[permission];
}

/** Scopes a user of `role` holds when the token asked for `requested`. */
export function effectiveScopes(role: Role, requested: Iterable<string>): Set<Scope> {
  const allowed = new Set<string>(ROLE_SCOPES[role]);
  return new Set([...requested].filter((s): s is Scope => allowed.has(s)));
}

export function roleAllows(role: Role, scope: Scope): boolean {
  return ROLE_SCOPES[role].includes(scope);
}
