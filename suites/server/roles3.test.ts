/**
 * PMM 3's own permission matrix (pmm-auth §5.2, percona/pmm api-tests/server/auth_test.go):
 * TestServiceAccountPermissions — tokens of Viewer, Editor and Admin service accounts, and the
 * "default" empty token, as `Bearer <token>` and Basic `service_token:<token>` (plus Basic
 * `api_key:<token>`, which PMM 3 also reads, pmm-auth §2.3) — and TestBasicAuthPermissions — Grafana users
 * by Basic login. GET /v1/server/settings → 401/401/401/200, POST /v1/platform:connect (no body)
 * → 401/401/401/400. Role too low is 401 with the code-7 body in 3.0.x (pmm-auth §1.4); no token, code 16.
 * The api-tests' "default" user (no role set) has Grafana's default role Viewer: the viewer user
 * stands for it. Users exist only on the embedded mock (the suite creates none on a real PMM).
 */
import { beforeAll, inject } from 'vitest';
import { area, kase, targetAllows } from '../_support/case.ts';
import { createCredential, type Credential } from '../_support/credentials.ts';
import { expectAuthLayerError, expectStatus } from '../_support/expect-http.ts';
import {
  adminAuth,
  apiKeyBasic,
  basicAuth,
  bearer,
  send,
  type HttpResult,
  type RequestSpec,
} from '../_support/http.ts';
import type { Role } from '../_support/keys.ts';
import type { Target } from '../_support/target.ts';

const ROLES: readonly Role[] = ['Viewer', 'Editor', 'Admin'];
const tokens = new Map<Role, Credential>();
const SOURCE =
  'percona/pmm api-tests/server/auth_test.go (T-3L: TestServiceAccountPermissions, TestBasicAuthPermissions); managed/services/grafana/auth_server.go, managed/utils/auth/token.go (3.x)';
const PMM3 = {
  profiles: ['pmm3'] as const,
  notOn:
    "PMM 3 paths (/v1/server/settings, /v1/platform:connect) and service-account tokens; PMM 2.41's matrix is srv.roles.001–018 (pmm-auth §5.1)",
};
const DENIED = '401 {"code":7,"error":"Access denied.","message":"Access denied."}';

interface Endpoint {
  readonly label: string;
  readonly spec: Omit<RequestSpec, 'headers'>;
  /** What an Admin gets (pmm-auth §5.2). */
  readonly admin: number;
  readonly adminWhy: string;
  readonly rule: string;
  /** The case ids, written out (never counted): tokens by MODES order × [default, Viewer, Editor, Admin], users by role, the server admin. */
  readonly ids: {
    readonly tokens: readonly (readonly [string, string, string, string])[];
    readonly users: Readonly<Record<Role, string>>;
    readonly admin: string;
  };
}

const ENDPOINTS: readonly Endpoint[] = [
  {
    label: 'GET /v1/server/settings',
    spec: { path: '/v1/server/settings' },
    admin: 200,
    adminWhy: '200 with the settings',
    rule: 'rule /v1/server/settings admin',
    ids: {
      tokens: [
        ['srv.roles3.001', 'srv.roles3.002', 'srv.roles3.003', 'srv.roles3.004'],
        ['srv.roles3.005', 'srv.roles3.006', 'srv.roles3.007', 'srv.roles3.008'],
        ['srv.roles3.009', 'srv.roles3.010', 'srv.roles3.011', 'srv.roles3.012'],
      ],
      users: { Viewer: 'srv.roles3.013', Editor: 'srv.roles3.014', Admin: 'srv.roles3.015' },
      admin: 'srv.roles3.016',
    },
  },
  {
    label: 'POST /v1/platform:connect (no body)',
    spec: { method: 'POST', path: '/v1/platform:connect' },
    admin: 400,
    adminWhy: '400 (allowed, bad request)',
    rule: 'rule /v1/platform: admin',
    ids: {
      tokens: [
        ['srv.roles3.017', 'srv.roles3.018', 'srv.roles3.019', 'srv.roles3.020'],
        ['srv.roles3.021', 'srv.roles3.022', 'srv.roles3.023', 'srv.roles3.024'],
        ['srv.roles3.025', 'srv.roles3.026', 'srv.roles3.027', 'srv.roles3.028'],
      ],
      users: { Viewer: 'srv.roles3.029', Editor: 'srv.roles3.030', Admin: 'srv.roles3.031' },
      admin: 'srv.roles3.032',
    },
  },
];

const MODES = [
  { label: 'Authorization: Bearer', auth: bearer },
  { label: 'Basic service_token:', auth: (k: string) => basicAuth('service_token', k) },
  { label: 'Basic api_key:', auth: apiKeyBasic },
] as const;

/** The answer for a role: Admin passes, below is denied (code 7), no credential is unauthenticated (code 16). */
function expectVerdict(res: HttpResult, ep: Endpoint, role: Role | 'default'): void {
  if (role === 'Admin') expectStatus(res, ep.admin, ep.adminWhy);
  else if (role === 'default') expectAuthLayerError(res, 16);
  else expectAuthLayerError(res, 7, 'Access denied.');
}

const expectsFor = (ep: Endpoint, role: Role | 'default'): string =>
  role === 'Admin' ? ep.adminWhy : role === 'default' ? '401 {"code":16,…} (no token)' : `${DENIED} (role too low)`;

const userOf = (t: Target, role: Role) => t.users.find((u) => u.role === role)!;

area('roles: PMM 3 permission matrix', () => {
  beforeAll(async () => {
    const t = inject('target');
    if (!targetAllows(t, ['write'], PMM3.profiles)) return;
    for (const role of ROLES) tokens.set(role, await createCredential(t, `roles3-${role.toLowerCase()}`, role));
  });

  for (const ep of ENDPOINTS) {
    for (const [m, mode] of MODES.entries()) {
      for (const [r, role] of (['default', ...ROLES] as const).entries()) {
        const who = role === 'default' ? '"" (the empty "default" token)' : `<token of a ${role} service account>`;
        kase(
          {
            id: ep.ids.tokens[m]![r]!,
            level: 'MUST',
            ...PMM3,
            sends: `${ep.label} with ${mode.label} ${who}`,
            expects: expectsFor(ep, role),
            ref: `pmm-auth §5.2, pmm-auth §2.1 (${ep.rule}), pmm-auth §2.3, pmm-auth §1.4`,
            source: SOURCE,
            needs: role === 'default' ? [] : ['write'],
          },
          async (t) => {
            const key = role === 'default' ? '' : tokens.get(role)!.key;
            expectVerdict(await send(t, { ...ep.spec, headers: mode.auth(key) }), ep, role);
          },
        );
      }
    }
    for (const role of ROLES) {
      kase(
        {
          id: ep.ids.users[role],
          level: 'MUST',
          ...PMM3,
          sends: `${ep.label} with Basic <a Grafana user with org role ${role}>`,
          expects: expectsFor(ep, role),
          ref: `pmm-auth §5.2 TestBasicAuthPermissions, pmm-auth §2.1 (${ep.rule}), pmm-auth §2.3, pmm-auth §1.4`,
          source: SOURCE,
          needs: ['users'],
        },
        async (t) => {
          const u = userOf(t, role);
          expectVerdict(await send(t, { ...ep.spec, headers: basicAuth(u.login, u.password) }), ep, role);
        },
      );
    }
    kase(
      {
        id: ep.ids.admin,
        level: 'MUST',
        ...PMM3,
        sends: `${ep.label} with Basic <admin of PMM_SERVER_URL> (Grafana server admin)`,
        expects: ep.adminWhy,
        ref: `pmm-auth §5.2 TestBasicAuthPermissions, pmm-auth §2.2 step 7`,
        source: SOURCE,
      },
      async (t) => {
        expectStatus(await send(t, { ...ep.spec, headers: adminAuth(t) }), ep.admin, ep.adminWhy);
      },
    );
  }
});
