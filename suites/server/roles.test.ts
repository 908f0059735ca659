/**
 * PMM's own permission matrix (pmm-auth §5.1 TestPermissions, percona/pmm
 * api-tests/server/auth_test.go) for API keys of each role, by Bearer and by basic `api_key:`;
 * role too low is 401 with the code-7 body in 2.41 (pmm-auth §1.4); and the Grafana server-admin
 * fallback for paths missing from the rule table (pmm-auth §2.1), on PMM 2.41 and PMM 3 alike.
 * PMM 3's matrix is roles3.test.ts.
 */
import { beforeAll, expect, inject } from 'vitest';
import { area, kase, targetAllows } from '../_support/case.ts';
import { createCredential, type Credential } from '../_support/credentials.ts';
import { expectAuthLayerError, expectStatus, redactSecrets } from '../_support/expect-http.ts';
import { adminAuth, apiKeyBasic, bearer, send, type RequestSpec } from '../_support/http.ts';
import type { Role } from '../_support/keys.ts';
import { facts, PROFILES } from '../_support/profile.ts';

const ROLES: readonly Role[] = ['Viewer', 'Editor', 'Admin'];
const keys = new Map<Role, Credential>();
const F = facts(inject('target'));
/** pmm-auth §3.3, pmm-auth §1.3: PMM 3 renamed /v1/Settings/Get and /v1/Platform/Connect and dropped /alertmanager. */
const PMM2_PATHS =
  "PMM 2.41 paths (/v1/Settings/Get, /alertmanager, /v1/Platform/Connect): PMM 3 renamed or removed them (pmm-auth §3.3, pmm-auth §1.3); srv.roles3.* is PMM 3's own matrix (pmm-auth §5.2)";

interface Endpoint {
  readonly label: string;
  readonly spec: Omit<RequestSpec, 'headers'>;
  readonly headers: Readonly<Record<string, string>>;
  /** What an Admin key gets (pmm-auth §5.1). */
  readonly admin: number;
  readonly adminWhy: string;
  readonly rule: string;
  /** The case ids by key role, for [Bearer, basic api_key:] (MODES order): written out, never counted. */
  readonly ids: Readonly<Record<Role, readonly [string, string]>>;
}

const ENDPOINTS: readonly Endpoint[] = [
  {
    label: 'POST /v1/Settings/Get {}',
    spec: { method: 'POST', path: '/v1/Settings/Get', body: '{}' },
    headers: { 'Content-Type': 'application/json' },
    admin: 200,
    adminWhy: '200 with the settings',
    rule: 'rule /v1/Settings/ admin',
    ids: {
      Viewer: ['srv.roles.001', 'srv.roles.002'],
      Editor: ['srv.roles.003', 'srv.roles.004'],
      Admin: ['srv.roles.005', 'srv.roles.006'],
    },
  },
  {
    label: 'GET /alertmanager/api/v2/alerts',
    spec: { method: 'GET', path: '/alertmanager/api/v2/alerts' },
    headers: {},
    admin: 200,
    adminWhy: '200 from Alertmanager',
    rule: 'rule /alertmanager admin',
    ids: {
      Viewer: ['srv.roles.007', 'srv.roles.008'],
      Editor: ['srv.roles.009', 'srv.roles.010'],
      Admin: ['srv.roles.011', 'srv.roles.012'],
    },
  },
  {
    label: 'POST /v1/Platform/Connect (no body)',
    spec: { method: 'POST', path: '/v1/Platform/Connect' },
    headers: {},
    admin: 400,
    adminWhy: '400 (allowed, bad request)',
    rule: 'rule /v1/Platform/Connect admin',
    ids: {
      Viewer: ['srv.roles.013', 'srv.roles.014'],
      Editor: ['srv.roles.015', 'srv.roles.016'],
      Admin: ['srv.roles.017', 'srv.roles.018'],
    },
  },
];

const MODES = [
  { label: 'Authorization: Bearer', auth: bearer },
  { label: 'basic api_key:', auth: apiKeyBasic },
] as const;

const DENIED = '401 {"code":7,"error":"Access denied.","message":"Access denied."}';
const MATRIX_SOURCE =
  'percona/pmm api-tests/server/auth_test.go (TestPermissions); managed/services/grafana/auth_server.go';
const UNLISTED = '/v1/pmmconf-unlisted';

area('roles: PMM permission matrix for API keys', () => {
  beforeAll(async () => {
    const t = inject('target');
    if (!targetAllows(t, ['write'])) return;
    // PMM 3 runs only the unlisted-path cases here (Admin): the matrix is PMM 2.41's.
    for (const role of targetAllows(t, ['write'], ['pmm2']) ? ROLES : ['Admin' as const])
      keys.set(role, await createCredential(t, `roles-${role.toLowerCase()}`, role));
  });

  for (const ep of ENDPOINTS) {
    for (const role of ROLES) {
      for (const [m, mode] of MODES.entries()) {
        const id = ep.ids[role][m]!;
        const allowed = role === 'Admin';
        kase(
          {
            id,
            level: 'MUST',
            sends: `${ep.label} with ${mode.label} <${role} key>`,
            expects: allowed ? ep.adminWhy : `${DENIED} (role too low)`,
            ref: `pmm-auth §5.1, pmm-auth §2.1 (${ep.rule}), pmm-auth §1.4`,
            source: MATRIX_SOURCE,
            needs: ['write'],
            notOn: PMM2_PATHS,
          },
          async (t) => {
            const res = await send(t, { ...ep.spec, headers: { ...ep.headers, ...mode.auth(keys.get(role)!.key) } });
            if (allowed) expectStatus(res, ep.admin, ep.adminWhy);
            else expectAuthLayerError(res, 7, 'Access denied.');
          },
        );
      }
    }
  }

  kase(
    {
      id: 'srv.roles.019',
      level: 'MUST',
      sends: `GET ${UNLISTED} (no rule) with Authorization: Bearer <Admin ${F.credential}>`,
      expects: `${DENIED} (unlisted paths need a Grafana server admin; keys and tokens never are one)`,
      ref: 'pmm-auth §2.1, pmm-auth §2.2 step 7, pmm-auth §1.4',
      source:
        'percona/pmm managed/services/grafana/auth_server.go ("No explicit rule, falling back to Grafana admin.")',
      needs: ['write'],
      profiles: PROFILES,
    },
    async (t) => {
      const res = await send(t, { path: UNLISTED, headers: bearer(keys.get('Admin')!.key) });
      expectAuthLayerError(res, 7, 'Access denied.');
    },
  );

  kase(
    {
      id: 'srv.roles.020',
      level: 'MUST',
      sends: `GET ${UNLISTED} (no rule) with the admin credentials of PMM_SERVER_URL (Grafana server admin)`,
      expects: 'not 401: the auth layer lets the Grafana server admin through (a 404 from behind it)',
      ref: 'pmm-auth §2.1, pmm-auth §2.2 step 7, pmm-auth §2.6',
      source:
        'percona/pmm managed/services/grafana/auth_server_test.go (GrafanaAdminFallback); managed/services/grafana/auth_server.go',
      profiles: PROFILES,
    },
    async (t, ctx) => {
      const res = await send(t, { path: UNLISTED, headers: adminAuth(t) });
      await ctx.annotate(
        `${UNLISTED} as the Grafana server admin: ${res.status} ${redactSecrets(res.text.slice(0, 200))}`,
      );
      expect(
        res.status,
        `expected the auth layer to let the Grafana server admin pass (not 401); got ${res.status} ${redactSecrets(res.text.slice(0, 300))}`,
      ).not.toBe(401);
    },
  );
});
