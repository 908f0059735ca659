/**
 * PMM 2.41's nginx auth_request layer through the app in process (startInProcessMock): PMM's own permission matrix
 * (pmm-auth §5.1 TestPermissions), version and health endpoints, auth errors, the Grafana-admin
 * fallback and the request journal. Path cleaning, handler errors and headers: auth-layer-paths.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ADMIN_AUTH,
  basic,
  bearer,
  startInProcessMock,
  type InProcessTestMock,
  authLayerBody as authError,
  seedKey as seedKeyOf,
} from '../testing/harness.ts';

let t: InProcessTestMock;
beforeAll(async () => {
  t = await startInProcessMock();
});
afterAll(() => t.close());

const DENIED = authError(7, 'Access denied.');
const UNAUTHORIZED = authError(16, 'Unauthorized');
const INVALID_KEY = 'invalid Service Token/API key';

type Role = 'viewer' | 'editor' | 'admin';
type Style = 'Basic user login' | 'Bearer key' | 'Basic api_key:key';
const ROLES: readonly Role[] = ['viewer', 'editor', 'admin'];
const STYLES: readonly Style[] = ['Basic user login', 'Bearer key', 'Basic api_key:key'];
/** The org-role users of the harness; "admin" is the org Admin user, as in pmm-auth §5.1. */
const USERS: Readonly<Record<Role, [string, string]>> = {
  viewer: ['viewer', 'viewer-pw'],
  editor: ['editor', 'editor-pw'],
  admin: ['orgadmin', 'orgadmin-pw'],
};
const seedKey = (role: Role): string => seedKeyOf(t, role);

function credential(role: Role, style: Style): string {
  if (style === 'Basic user login') return basic(...USERS[role]);
  return style === 'Bearer key' ? bearer(seedKey(role)) : basic('api_key', seedKey(role));
}

/** A legacy key for a name that does not exist (grafana-auth §2.1 format). */
const UNKNOWN_KEY = Buffer.from('{"k":"0123456789abcdefABCDEF0123456789","n":"no-such-key","id":1}').toString('base64');

/** pmm-auth §5.1 TestPermissions: the three requests and what an admin gets. */
const REQUESTS = [
  {
    request: 'POST /v1/Settings/Get',
    adminStatus: 200,
    send: (auth: string) =>
      t.https().post('/v1/Settings/Get').set('Authorization', auth).set('Content-Type', 'application/json').send('{}'),
  },
  {
    request: 'GET /alertmanager/api/v2/alerts',
    adminStatus: 200,
    send: (auth: string) => t.https().get('/alertmanager/api/v2/alerts').set('Authorization', auth),
  },
  {
    request: 'POST /v1/Platform/Connect (no body)',
    adminStatus: 400,
    send: (auth: string) => t.https().post('/v1/Platform/Connect').set('Authorization', auth),
  },
] as const;

describe('permission matrix (pmm-auth §5.1 TestPermissions)', () => {
  const denied = REQUESTS.flatMap((r) =>
    (['viewer', 'editor'] as const).flatMap((role) => STYLES.map((style) => ({ ...r, role, style }))),
  );
  it.each(denied)(
    'pmm-auth §5.1, pmm-auth §1.4: $request as $role ($style) → 401 code 7 "Access denied."',
    async ({ send, role, style }) => {
      const res = await send(credential(role, style));
      expect(res.status).toBe(401);
      expect(res.headers['content-type']).toBe('application/json');
      expect(res.text).toBe(DENIED);
    },
  );

  const allowed = REQUESTS.flatMap((r) => STYLES.map((style) => ({ ...r, style })));
  it.each(allowed)('pmm-auth §5.1: $request as admin ($style) → $adminStatus', async ({ send, style, adminStatus }) => {
    const res = await send(credential('admin', style));
    expect(res.status).toBe(adminStatus);
  });

  it.each(REQUESTS.map((r) => ({ ...r })))(
    'pmm-auth §5.1, pmm-auth §2.1: $request as the Grafana server admin "admin" (Basic) → $adminStatus',
    async ({ send, adminStatus }) => {
      const res = await send(ADMIN_AUTH);
      expect(res.status).toBe(adminStatus);
    },
  );

  it.each(STYLES.map((style) => ({ style })))(
    'pmm-auth §5.1, pmm-auth §2.6: POST /v1/Platform/Connect without a body as admin ($style) → 400 grpc-gateway body, code 3',
    async ({ style }) => {
      const res = await t.https().post('/v1/Platform/Connect').set('Authorization', credential('admin', style));
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toBe('application/json');
      expect(res.body).toMatchObject({ code: 3 });
      expect(res.body.error).toBe(res.body.message);
      expect(typeof res.body.message).toBe('string');
      expect(Object.keys(res.body)).toEqual(['error', 'code', 'message']);
      expect(res.text).toBe(JSON.stringify(res.body, null, 2));
    },
  );
});

describe('version (pmm-auth §3.1, pmm-auth §3.4)', () => {
  const rows = ['/v1/version', '/managed/v1/version'].flatMap((path) =>
    ROLES.flatMap((role) => (['Bearer key', 'Basic api_key:key'] as const).map((style) => ({ path, role, style }))),
  );
  it.each(rows)(
    'pmm-auth §3.1: GET $path with the $role key ($style) → 200 version body',
    async ({ path, role, style }) => {
      const res = await t.https().get(path).set('Authorization', credential(role, style));
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe('application/json');
      expect(res.body.version).toMatch(/^2\./);
      expect(res.body.managed.full_version).toEqual(expect.any(String));
      expect(res.body.managed.full_version).not.toBe('');
      expect(res.body.distribution_method).toEqual(expect.any(String));
      expect(res.text).toBe(JSON.stringify(res.body, null, 2));
    },
  );
});

describe('authentication errors (pmm-auth §1.4, pmm-auth §2.3, pmm-auth §5.1 AuthErrors)', () => {
  it.each([
    { label: 'no credentials', auth: () => undefined, code: 16, message: 'Unauthorized' },
    { label: 'Bearer with a non-base64 key', auth: () => bearer('wrong'), code: 16, message: INVALID_KEY },
    {
      label: 'Bearer with a legacy key of an unknown name',
      auth: () => bearer(UNKNOWN_KEY),
      code: 16,
      message: INVALID_KEY,
    },
    {
      label: 'Bearer with a known name and a wrong secret',
      auth: () =>
        bearer(Buffer.from(JSON.stringify({ k: 'x'.repeat(32), n: 'seed-viewer', id: 1 })).toString('base64')),
      code: 16,
      message: INVALID_KEY,
    },
    { label: 'Basic api_key with a wrong key', auth: () => basic('api_key', 'wrong'), code: 16, message: INVALID_KEY },
    { label: 'Basic bad:wrong', auth: () => basic('bad', 'wrong'), code: 16, message: 'invalid username or password' },
    {
      label: 'lower-case "bearer <key>"',
      auth: () => `bearer ${seedKey('admin')}`,
      code: 16,
      message: 'Invalid Basic Auth Header',
    },
    {
      label: 'Bearer with a malformed glsa_ token (Grafana 500)',
      auth: () => bearer('glsa_malformed_00000000'),
      code: 13,
      message: INVALID_KEY,
    },
  ])('pmm-auth §1.4, pmm-auth §2.3: GET /v1/version with $label → 401 code $code', async ({ auth, code, message }) => {
    const req = t.https().get('/v1/version');
    const header = auth();
    const res = await (header === undefined ? req : req.set('Authorization', header));
    expect(res.status).toBe(401);
    expect(res.headers['content-type']).toBe('application/json');
    expect(res.text).toBe(authError(code, message));
    expect(res.text).not.toContain('<html>');
    expect(res.headers['www-authenticate']).toBeUndefined();
  });
});

describe('Grafana-admin fallback (pmm-auth §2.1)', () => {
  const NOT_FOUND = JSON.stringify({ error: 'Not Found', code: 5, message: 'Not Found' }, null, 2);
  const paths = ['/v1/foo', '/dump'];

  it.each(paths.map((path) => ({ path })))(
    'pmm-auth §2.1, pmm-auth §2.6: the Grafana server admin passes $path (unlisted) → 404 grpc-gateway "Not Found"',
    async ({ path }) => {
      const res = await t.https().get(path).set('Authorization', ADMIN_AUTH);
      expect(res.status).toBe(404);
      expect(res.headers['content-type']).toBe('application/json');
      expect(res.text).toBe(NOT_FOUND);
    },
  );

  const denied = paths.flatMap((path) => [
    { path, who: 'an Admin API key (Bearer)', auth: () => bearer(seedKey('admin')) },
    { path, who: 'an Admin API key (Basic api_key)', auth: () => basic('api_key', seedKey('admin')) },
    { path, who: 'the org-Admin user "orgadmin"', auth: () => basic('orgadmin', 'orgadmin-pw') },
    { path, who: 'a Viewer API key', auth: () => bearer(seedKey('viewer')) },
  ]);
  it.each(denied)('pmm-auth §2.1: $who on the unlisted path $path → 401 code 7', async ({ path, auth }) => {
    const res = await t.https().get(path).set('Authorization', auth());
    expect(res.status).toBe(401);
    expect(res.text).toBe(DENIED);
  });

  it.each(paths.map((path) => ({ path })))(
    'pmm-auth §2.1, pmm-auth §2.3: no credentials on the unlisted path $path → 401 code 16',
    async ({ path }) => {
      const res = await t.https().get(path);
      expect(res.status).toBe(401);
      expect(res.text).toBe(UNAUTHORIZED);
    },
  );
});

describe('role none and the / redirect (pmm-auth §1.1, pmm-auth §2.2 step 4, pmm-auth §3.2)', () => {
  const rows = ['/v1/readyz', '/ping'].flatMap((path) => [
    { path, label: 'without credentials', auth: undefined as string | undefined },
    { path, label: 'with a wrong key', auth: bearer('wrong') },
    { path, label: 'with a wrong Basic login', auth: basic('bad', 'wrong') },
    { path, label: 'with a lower-case bearer header', auth: 'bearer wrong' },
  ]);
  it.each(rows)('pmm-auth §3.2, pmm-auth §2.2: GET $path $label → 200 {}', async ({ path, auth }) => {
    const req = t.https().get(path);
    const res = await (auth === undefined ? req : req.set('Authorization', auth));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({});
    expect(res.text).toBe('{}');
  });

  it.each([
    { label: 'without credentials', auth: undefined as string | undefined },
    { label: 'with a wrong key', auth: bearer('wrong') },
  ])('pmm-auth §1.1: GET / $label → 302 to https://<host>/graph/ before any auth', async ({ auth }) => {
    const req = t.https().get('/').redirects(0);
    const res = await (auth === undefined ? req : req.set('Authorization', auth));
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe(`https://${new URL(t.mock.httpsUrl).host}/graph/`);
  });
});

describe('request journal (mock control API)', () => {
  it('pmm-auth §2.1, pmm-auth §2.2: the journal records the raw path with the matched rule prefix and role', async () => {
    const since = ((await t.https().get('/__mock/requests')).body as { total: number }).total;
    await t
      .https()
      .post('/v1/Settings/Get')
      .set('Authorization', ADMIN_AUTH)
      .set('Content-Type', 'application/json')
      .send('{}');
    await t
      .https()
      .get('/v1/AWSInstanceCheck/..%2finventory/Services/List')
      .set('Authorization', bearer(seedKey('viewer')));
    await t
      .https()
      .get('/v1/readyz%3F/../Settings/Get')
      .set('Authorization', bearer(seedKey('viewer')));
    await t.https().get('/ping');
    const res = await t.https().get(`/__mock/requests?since=${since}`);
    const seen = (res.body.requests as { method: string; path: string; rule: unknown; status: number }[]).map(
      ({ method, path, rule, status }) => ({ method, path, rule, status }),
    );
    expect(seen).toEqual([
      { method: 'POST', path: '/v1/Settings/Get', rule: { prefix: '/v1/Settings/', role: 'admin' }, status: 200 },
      {
        method: 'GET',
        path: '/v1/AWSInstanceCheck/..%2finventory/Services/List',
        rule: { prefix: '/v1/inventory/', role: 'admin' },
        status: 401,
      },
      {
        method: 'GET',
        path: '/v1/readyz%3F/../Settings/Get',
        rule: { prefix: '/v1/Settings/', role: 'admin' },
        status: 401,
      },
      { method: 'GET', path: '/ping', rule: { prefix: '/ping', role: 'none' }, status: 200 },
    ]);
  });
});
