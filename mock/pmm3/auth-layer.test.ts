/**
 * PMM 3.0's nginx auth_request layer through the app in process (startInProcessMock) (profile pmm3, in progress):
 * the 3.0-era rule table and its ':' cut (pmm-auth §2.1), 3.x token extraction (pmm-auth §2.3), the
 * compatibility rewrites (pmm-auth §1.3), version, health and settings (pmm-auth §3.1, pmm-auth §3.2, pmm-auth §3.3), PMM 3's own permission
 * tests (pmm-auth §5.2) and grpc-gateway bodies with unpopulated fields (pmm-auth §2.6).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pmm3 } from '../profiles/pmm3.ts';
import {
  ADMIN_AUTH,
  authLayerBody,
  basic,
  bearer,
  startInProcessMock,
  type InProcessTestMock,
  seedKey as seedKeyOf,
} from '../testing/harness.ts';

let t: InProcessTestMock;
beforeAll(async () => {
  t = await startInProcessMock({ profile: pmm3 });
});
afterAll(() => t.close());

const DENIED = authLayerBody(7, 'Access denied.');
const UNAUTHORIZED = authLayerBody(16, 'Unauthorized');

type Role = 'viewer' | 'editor' | 'admin';
type Style = 'Bearer <key>' | 'Basic api_key:<key>' | 'Basic service_token:<key>';
const ROLES: readonly Role[] = ['viewer', 'editor', 'admin'];
/** pmm-auth §2.3 (3.x): Bearer, or Basic decoding to `api_key:<t>` or `service_token:<t>`. */
const STYLES: readonly Style[] = ['Bearer <key>', 'Basic api_key:<key>', 'Basic service_token:<key>'];
const seedKey = (role: Role): string => seedKeyOf(t, role);

function credential(role: Role, style: Style): string {
  const key = seedKey(role);
  if (style === 'Bearer <key>') return bearer(key);
  return basic(style === 'Basic api_key:<key>' ? 'api_key' : 'service_token', key);
}

const everyKey = ROLES.flatMap((role) => STYLES.map((style) => ({ role, style })));
const lowKeys = (['viewer', 'editor'] as const).flatMap((role) => STYLES.map((style) => ({ role, style })));

/** pmm-auth §2.6 (3.x): a grpc-gateway error body, pretty-printed, with unpopulated `details` emitted. */
function expectGatewayError(res: { text: string; body: Record<string, unknown> }, code: number): void {
  expect(res.body).toMatchObject({ code, details: [] });
  expect(Object.keys(res.body)).toEqual(['error', 'code', 'message', 'details']);
  expect(res.body.error).toBe(res.body.message);
  expect(res.text).toBe(JSON.stringify(res.body, null, 2));
  expect(res.text).toContain('"details": []');
}

describe('version (pmm-auth §3.1, pmm-auth §2.3 3.x token extraction)', () => {
  it.each(everyKey)(
    'pmm-auth §3.1, pmm-auth §2.3: GET /v1/server/version with the $role key ($style) → 200, version "3."',
    async ({ role, style }) => {
      const res = await t.https().get('/v1/server/version').set('Authorization', credential(role, style));
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe('application/json');
      expect(res.body.version).toMatch(/^3\./);
      expect(res.body.server.version.startsWith(res.body.version)).toBe(true);
      expect(res.body.managed.full_version).toEqual(expect.any(String));
      expect(res.body.managed.full_version).not.toBe('');
      expect(res.text).toBe(JSON.stringify(res.body, null, 2));
    },
  );

  it.each(STYLES.map((style) => ({ style })))(
    'pmm-auth §1.3, pmm-auth §2.1: GET /v1/version (compatibility rewrite, viewer) with the viewer key ($style) → 200 the 3.x version body',
    async ({ style }) => {
      const res = await t.https().get('/v1/version').set('Authorization', credential('viewer', style));
      expect(res.status).toBe(200);
      expect(res.body.version).toMatch(/^3\./);
      const direct = await t.https().get('/v1/server/version').set('Authorization', credential('viewer', style));
      expect(res.text).toBe(direct.text);
    },
  );
});

describe('health (pmm-auth §1.3 3.x rewrites, pmm-auth §3.2)', () => {
  it.each(['/v1/server/readyz', '/v1/readyz', '/ping'].map((path) => ({ path })))(
    'pmm-auth §3.2, pmm-auth §1.3: GET $path without credentials → 200 {}',
    async ({ path }) => {
      const res = await t.https().get(path);
      expect(res.status).toBe(200);
      expect(res.text).toBe('{}');
    },
  );
});

describe('settings (pmm-auth §3.3, pmm-auth §5.2 TestBasicAuthPermissions / TestServiceAccountPermissions)', () => {
  it.each(lowKeys)(
    'pmm-auth §3.3, pmm-auth §1.4: GET /v1/server/settings with the $role key ($style) → 401 code 7',
    async ({ role, style }) => {
      const res = await t.https().get('/v1/server/settings').set('Authorization', credential(role, style));
      expect(res.status).toBe(401);
      expect(res.headers['content-type']).toBe('application/json');
      expect(res.text).toBe(DENIED);
    },
  );

  it.each(STYLES.map((style) => ({ style })))(
    'pmm-auth §3.3: GET /v1/server/settings with the admin key ($style) → 200 settings',
    async ({ style }) => {
      const res = await t.https().get('/v1/server/settings').set('Authorization', credential('admin', style));
      expect(res.status).toBe(200);
      expect(res.body.settings).toEqual(expect.any(Object));
      expect(Array.isArray(res.body.settings)).toBe(false);
    },
  );

  it.each([
    { label: 'an empty Bearer token', auth: 'Bearer ' },
    { label: 'an empty service_token', auth: basic('service_token', '') },
  ])('pmm-auth §5.2: GET /v1/server/settings with $label ("default") → 401 code 16', async ({ auth }) => {
    const res = await t.https().get('/v1/server/settings').set('Authorization', auth);
    expect(res.status).toBe(401);
    expect(res.body.code).toBe(16);
  });

  const READONLY_FIELDS = [
    'updates_enabled',
    'telemetry_enabled',
    'advisor_enabled',
    'alerting_enabled',
    'pmm_public_address',
    'backup_management_enabled',
    'azurediscover_enabled',
    'enable_access_control',
  ];
  it.each(STYLES.map((style) => ({ style })))(
    'pmm-auth §3.3, pmm-auth §2.1: GET /v1/server/settings/readonly with the viewer key ($style) → 200 the read-only fields',
    async ({ style }) => {
      const res = await t.https().get('/v1/server/settings/readonly').set('Authorization', credential('viewer', style));
      expect(res.status).toBe(200);
      for (const field of READONLY_FIELDS) expect(res.body.settings).toHaveProperty(field);
      expect(typeof res.body.settings.updates_enabled).toBe('boolean');
    },
  );
});

describe('POST /v1/platform:connect and the ":" cut (pmm-auth §2.1, pmm-auth §3.3, pmm-auth §5.2)', () => {
  it.each(lowKeys)(
    'pmm-auth §5.2, pmm-auth §1.4: POST /v1/platform:connect without a body, $role key ($style) → 401 code 7',
    async ({ role, style }) => {
      const res = await t.https().post('/v1/platform:connect').set('Authorization', credential(role, style));
      expect(res.status).toBe(401);
      expect(res.text).toBe(DENIED);
    },
  );

  it.each([
    ...STYLES.map((style) => ({ who: `the admin key (${style})`, auth: () => credential('admin', style) })),
    { who: 'the Grafana server admin (Basic)', auth: () => ADMIN_AUTH },
  ])(
    'pmm-auth §5.2, pmm-auth §2.6: POST /v1/platform:connect without a body as $who → 400 code 3 with "details": []',
    async ({ auth }) => {
      const res = await t.https().post('/v1/platform:connect').set('Authorization', auth());
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toBe('application/json');
      expectGatewayError(res, 3);
    },
  );

  it('pmm-auth §2.1 (3.x cuts at ":"): /v1/platform:connect matches /v1/platform: (admin), not the Grafana-admin fallback', async () => {
    const since = ((await t.https().get('/__mock/requests')).body as { total: number }).total;
    const admin = await t
      .https()
      .post('/v1/platform:connect')
      .set('Authorization', bearer(seedKey('admin')));
    const viewer = await t
      .https()
      .post('/v1/platform:connect')
      .set('Authorization', bearer(seedKey('viewer')));
    // An Admin key never reaches grafanaAdmin (pmm-auth §2.1): passing proves a table rule matched.
    expect(admin.status).toBe(400);
    expect(viewer.status).toBe(401);
    expect(viewer.text).toBe(DENIED);
    const journal = await t.https().get(`/__mock/requests?since=${since}`);
    const rules = (journal.body.requests as { path: string; rule: unknown }[]).map(({ path, rule }) => ({
      path,
      rule,
    }));
    expect(rules).toEqual([
      { path: '/v1/platform:connect', rule: { prefix: '/v1/platform:', role: 'admin' } },
      { path: '/v1/platform:connect', rule: { prefix: '/v1/platform:', role: 'admin' } },
    ]);
  });
});

describe('unknown routes and handler errors (pmm-auth §2.1, pmm-auth §2.6, pmm-auth §3.1)', () => {
  it('pmm-auth §2.6 (3.x): GET /v1/nope as the Grafana server admin → 404 grpc-gateway default body', async () => {
    const res = await t.https().get('/v1/nope').set('Authorization', ADMIN_AUTH);
    expect(res.status).toBe(404);
    expect(res.headers['content-type']).toBe('application/json');
    expect(res.text).toBe(
      JSON.stringify({ code: 5, message: 'Endpoint not found: /v1/nope, http method: GET', details: [] }, null, 2),
    );
  });

  it.each(STYLES.map((style) => ({ style })))(
    'pmm-auth §2.1: GET /v1/nope with the admin key ($style) → 401 code 7 (no rule)',
    async ({ style }) => {
      const res = await t.https().get('/v1/nope').set('Authorization', credential('admin', style));
      expect(res.status).toBe(401);
      expect(res.text).toBe(DENIED);
    },
  );

  it.each([
    { who: 'the Grafana server admin', auth: () => ADMIN_AUTH, code: 16, status: 401, name: 'Unauthenticated' },
    { who: 'the admin key', auth: () => bearer(seedKey('admin')), code: 16, status: 401, name: 'Unauthenticated' },
    { who: 'the Grafana server admin', auth: () => ADMIN_AUTH, code: 7, status: 403, name: 'PermissionDenied' },
  ])(
    'pmm-auth §5.2 NormalErrors/pmm-auth §2.6: GET /v1/server/version?dummy=grpccode-$code as $who → $status pretty body with "details": []',
    async ({ auth, code, status, name }) => {
      const res = await t.https().get(`/v1/server/version?dummy=grpccode-${code}`).set('Authorization', auth());
      expect(res.status).toBe(status);
      expectGatewayError(res, code);
      expect(res.body.message).toBe(`gRPC code ${code} (${name})`);
      if (code === 16) expect(res.headers['www-authenticate']).toBe(res.body.message);
    },
  );
});

describe('authentication errors (pmm-auth §1.4, pmm-auth §2.3, pmm-auth §5.2 AuthErrors)', () => {
  it('pmm-auth §1.4, pmm-auth §2.3: GET /v1/server/version without credentials → 401 code 16 "Unauthorized"', async () => {
    const res = await t.https().get('/v1/server/version');
    expect(res.status).toBe(401);
    expect(res.headers['content-type']).toBe('application/json');
    expect(res.text).toBe(UNAUTHORIZED);
    expect(res.headers['www-authenticate']).toBeUndefined();
  });

  it.each([
    { label: 'Basic bad:wrong', auth: basic('bad', 'wrong') },
    { label: 'Bearer wrong', auth: bearer('wrong') },
    { label: 'Basic service_token:wrong', auth: basic('service_token', 'wrong') },
  ])(
    'pmm-auth §5.2, pmm-auth §2.3: GET /v1/server/version with $label → 401 code 16, JSON not HTML',
    async ({ auth }) => {
      const res = await t.https().get('/v1/server/version').set('Authorization', auth);
      expect(res.status).toBe(401);
      expect(res.headers['content-type']).toBe('application/json');
      expect(res.body.code).toBe(16);
      expect(res.text).not.toContain('<html>');
    },
  );
});
