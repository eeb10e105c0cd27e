import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testGrove, type TestGrove } from '../../test/support/grove.js';
import { PERMISSION } from './authorize.js';
import { PERMISSIONS, ROLE_SCOPES, SCOPES } from './permissions.js';

let t: TestGrove;
beforeAll(async () => {
  t = await testGrove();
});
afterAll(() => t.close());

describe('route permissions', () => {
  it('every route declares the permission it needs', () => {
    const byRoute = new Map<string, string[]>();
    for (const route of t.grove.app.routes) {
      if (route.method === 'ALL') continue; // global middleware
      const key = `${route.method} ${route.path}`;
      const permission = (route.handler as unknown as Record<symbol, string | undefined>)[PERMISSION];
      byRoute.set(key, [...(byRoute.get(key) ?? []), ...(permission ? [permission] : [])]);
    }
    expect(byRoute.size).toBeGreaterThan(15);
    const undeclared = [...byRoute].filter(([, permissions]) => permissions.length === 0).map(([key]) => key);
    expect(undeclared).toEqual([]);
    for (const permissions of byRoute.values()) {
      for (const permission of permissions) expect(Object.keys(PERMISSIONS)).toContain(permission);
    }
  });

  it('only the platform key may manage tenants, only API keys mint, only tokens read praise', () => {
    expect(PERMISSIONS['platform.manage'].credentials).toEqual(['platform']);
    expect(PERMISSIONS['tokens.mint'].credentials).toEqual(['tenant_key']);
    expect(PERMISSIONS['praise.read'].credentials).toEqual(['user']);
  });

  it('roles only ever narrow the scope set, and moderation is for HR and admins', () => {
    for (const scopes of Object.values(ROLE_SCOPES)) for (const s of scopes) expect(SCOPES).toContain(s);
    expect(ROLE_SCOPES.employee).not.toContain('praise:moderate');
    expect(ROLE_SCOPES.manager).not.toContain('praise:moderate');
    expect(ROLE_SCOPES.hr_admin).toContain('praise:moderate');
    expect(ROLE_SCOPES.admin).toEqual(SCOPES);
  });
});
