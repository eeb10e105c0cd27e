import { ORIGIN, type TestGrove } from '../support/grove.js';

/**
 * An organisation shaped for the anonymity tests (threshold 5):
 *
 *   boss (Leads)
 *   ├── m1 (Leads): s1–s3 (Small, 3), b1–b6 (Big, 6)      → m1's line: 9 = 3 + 6
 *   └── m2 (Leads): f1–f4 (Four, 4), o1–o6 (Other, 6)     → m2's line: 10
 *   hr (hr_admin), root (admin), x1 (team Elsewhere, no manager)
 *
 * The audience of most test surveys is the teams Small, Big, Four and Other: 19 people.
 */
export const TEAMS = { Small: ['s1', 's2', 's3'], Big: ['b1', 'b2', 'b3', 'b4', 'b5', 'b6'], Four: ['f1', 'f2', 'f3', 'f4'], Other: ['o1', 'o2', 'o3', 'o4', 'o5', 'o6'] };
export const AUDIENCE_TEAMS = Object.keys(TEAMS);
export const RESPONDENTS = Object.values(TEAMS).flat();
const MANAGER_OF: Record<string, string> = { Small: 'm1', Big: 'm1', Four: 'm2', Other: 'm2' };

export const ALL_SCOPES = ['surveys:respond', 'surveys:read', 'surveys:manage'];

export async function surveyOrg(t: TestGrove, name = 'Acme', origin = ORIGIN) {
  const tenant = await t.createTenant(name, [origin]);
  const users = [
    { externalId: 'boss', name: `${name} Boss`, role: 'manager', team: 'Leads' },
    { externalId: 'm1', name: `${name} M1`, role: 'manager', team: 'Leads', managerExternalId: 'boss' },
    { externalId: 'm2', name: `${name} M2`, role: 'manager', team: 'Leads', managerExternalId: 'boss' },
    ...Object.entries(TEAMS).flatMap(([team, ids]) => ids.map((id) => ({ externalId: id, name: `${name} ${id}`, team, managerExternalId: MANAGER_OF[team] }))),
    { externalId: 'hr', name: `${name} HR`, role: 'hr_admin' },
    { externalId: 'root', name: `${name} Root`, role: 'admin' },
    { externalId: 'x1', name: `${name} X1`, team: 'Elsewhere' },
  ];
  const sync = await t.request('POST', '/v1/directory/users', { auth: tenant.apiKey, body: { users } });
  if (sync.status !== 200 || sync.body.errors.length) throw new Error(`sync: ${JSON.stringify(sync.body)}`);
  const ids: Record<string, string> = Object.fromEntries((sync.body.items as Array<{ id: string; externalId: string }>).map((i) => [i.externalId, i.id]));
  const tokens = new Map<string, string>();
  const token = async (externalId: string, scopes = ALL_SCOPES) => {
    const cacheKey = `${externalId} ${scopes.join(' ')}`;
    if (!tokens.has(cacheKey)) {
      const user = users.find((u) => u.externalId === externalId)!;
      tokens.set(cacheKey, (await t.mint(tenant.apiKey, { externalId, name: user.name }, scopes, { origin })).token);
    }
    return tokens.get(cacheKey)!;
  };
  const as = (externalId: string, scopes?: string[]) => async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
    t.request(method, path, { auth: await token(externalId, scopes), origin, body, headers });
  const key = (method: string, path: string, body?: unknown) => t.request(method, path, { auth: tenant.apiKey, body });
  return { tenant, ids, token, as, key, origin };
}
export type SurveyOrg = Awaited<ReturnType<typeof surveyOrg>>;

/** A survey open now (since an hour ago, for a week) over the four audience teams. */
export function openSurveyBody(questions: unknown[], extra: Record<string, unknown> = {}) {
  const now = Date.now();
  return {
    title: 'Pulse',
    questions,
    audience: { kind: 'teams', teams: AUDIENCE_TEAMS },
    opensAt: new Date(now - 3_600_000).toISOString(),
    closesAt: new Date(now + 6 * 86_400_000).toISOString(),
    ...extra,
  };
}
