/**
 * Test-only deviations: switches that make the mock answer *wrongly* on purpose, so that the
 * server suite's self-check can prove the suite fails on a server that deviates from PMM. Never
 * product behaviour; off unless `--deviate` names them. Each is a transform of the profile
 * (`applyDeviations`): handlers read the profile's switches and never test a deviation name.
 */
import type { Behaviour, Profile } from './profiles/types.ts';

export const DEVIATIONS = {
  'bearer-any-case': 'accepts the "Bearer" scheme in any letter case (grafana-auth §3.1 says case-sensitive)',
  'query-key': 'accepts a key in the ?api_key= query parameter (grafana-auth §3.1: no query-string keys)',
  'no-expiry': 'never expires keys (grafana-auth §4)',
  'expiry-off-by-one':
    'still accepts a key during its expiry second, `expires < now` (grafana-auth §4: `expires <= now`)',
  'new-user-editor': 'gives a new user the org role Editor (pmm-auth §5: the default role is Viewer)',
  'swagger-needs-auth': 'puts /swagger behind auth, rule viewer (pmm-auth §1.3: 2.41 and 3.0.0 serve it without auth)',
  'ignore-roles': 'lets any authenticated caller through the auth layer (pmm-auth §2.1)',
  'denied-403': 'answers "role too low" with HTTP 403 (pmm-auth §1.4: 401 in 2.41)',
  'no-admin-fallback': 'lets Admin keys through unlisted paths (pmm-auth §2.1: Grafana server admin only)',
  'negative-ttl-first': 'checks a negative TTL before a duplicate name (grafana-auth §1.3: duplicate first)',
  'role-any-case': 'accepts roles in any letter case, e.g. "viewer" (grafana-auth §1.2: case-sensitive in 9.x)',
  'viewer-creates-keys': 'lets Viewer and Editor keys create keys (grafana-auth §1.1: org Admin only)',
  'list-secrets': 'lists a "key" field in GET /api/auth/keys (grafana-auth §1.5: never the secret)',
  'delete-noop': 'answers DELETE /api/auth/keys/:id with 200 but keeps the key working (grafana-auth §1.6)',
  'service-token-refused': 'PMM 3: the auth layer takes no token from Basic service_token: (pmm-auth §2.3 3.x)',
  'disabled-works': 'PMM 3: tokens of a disabled service account keep working (grafana-auth §3.2, grafana-auth §3.5)',
  'sa-delete-noop':
    'PMM 3: DELETE /api/serviceaccounts/:id answers 200 but keeps the account and its tokens (grafana-auth §5.3)',
  'no-migration':
    'PMM 3: a legacy key is not migrated on first use and fails on PMM paths (grafana-auth §5.3, pmm-auth §4.2)',
} as const;

export type Deviation = keyof typeof DEVIATIONS;

export function isDeviation(name: string): name is Deviation {
  return Object.hasOwn(DEVIATIONS, name);
}

/** A profile with some behaviour switches changed. */
function behave(profile: Profile, change: Partial<Behaviour>): Profile {
  return { ...profile, behaviour: { ...profile.behaviour, ...change } };
}

/** What each deviation changes in the profile: a behaviour switch or a profile fact, never a handler. */
const TRANSFORMS: Readonly<Record<Deviation, (profile: Profile) => Profile>> = {
  'bearer-any-case': (p) => behave(p, { bearerScheme: 'anyCase' }),
  'query-key': (p) => behave(p, { keyQueryParam: 'api_key' }),
  'no-expiry': (p) => behave(p, { keyExpiry: 'never' }),
  'expiry-off-by-one': (p) => behave(p, { keyExpiry: 'afterExpirySecond' }),
  'new-user-editor': (p) => behave(p, { newUserRole: 'Editor' }),
  'swagger-needs-auth': (p) => ({
    ...p,
    authOffLocations: p.authOffLocations.filter((l) => l !== '/swagger'),
    rules: p.rules.map(([prefix, role]) => [prefix, prefix === '/swagger' ? 'viewer' : role] as const),
  }),
  'ignore-roles': (p) => behave(p, { authLayerChecksRoles: false }),
  'denied-403': (p) => ({ ...p, accessDeniedStatus: 403 }),
  'no-admin-fallback': (p) => behave(p, { unlistedPathRole: 'admin' }),
  'negative-ttl-first': (p) => behave(p, { keyCreateOrder: 'negativeTtlFirst' }),
  'role-any-case': (p) => ({ ...p, roleParsing: 'titleCase' }),
  'viewer-creates-keys': (p) => behave(p, { managementNeedsOrgAdmin: false, keyRoleCeiling: false }),
  'list-secrets': (p) => behave(p, { keyListShowsSecret: true }),
  'delete-noop': (p) => behave(p, { keyDeleteRemoves: false }),
  'service-token-refused': (p) => ({ ...p, pmmTokenBasicUsers: p.pmmTokenBasicUsers.filter((u) => u === 'api_key') }),
  'disabled-works': (p) => behave(p, { disabledAccountsRefused: false }),
  'sa-delete-noop': (p) => behave(p, { serviceAccountDeleteRemoves: false }),
  'no-migration': (p) => behave(p, { migrateKeyOnFirstUse: false }),
};

/** The profile as the named deviations bend it (the identity for an empty set). */
export function applyDeviations(profile: Profile, deviations: Iterable<Deviation>): Profile {
  let out = profile;
  for (const d of deviations) out = TRANSFORMS[d](out);
  return out;
}
