/**
 * PMM 2.41's auth layer through the app in process (startInProcessMock), part 2: path cleaning on the raw request URI
 * (pmm-auth §2.2, pmm-auth §5.1), handler errors behind the layer (pmm-auth §2.6, pmm-auth §5.1 NormalErrors) and
 * nginx's headers (pmm-auth §1.1). Supertest sends these raw paths unchanged (see the journal test).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ADMIN_AUTH,
  bearer,
  startInProcessMock,
  type InProcessTestMock,
  authLayerBody as authError,
} from '../testing/harness.ts';

let t: InProcessTestMock;
beforeAll(async () => {
  t = await startInProcessMock();
});
afterAll(() => t.close());

const DENIED = authError(7, 'Access denied.');
const UNAUTHORIZED = authError(16, 'Unauthorized');
const INTERNAL = authError(13, 'Internal server error.');

function viewerKey(): string {
  const key = t.mock.keys['seed-viewer'];
  if (key === undefined) throw new Error('no seeded key seed-viewer');
  return key;
}

/** Encoded traversals out of role-none (or viewer) prefixes into admin paths. */
const TRAVERSALS = [
  { path: '/v1/AWSInstanceCheck/..%2finventory/Services/List', cleaned: '/v1/inventory/Services/List' },
  { path: '/v1/AWSInstanceCheck/..%2f..%2flogs.zip', cleaned: '/logs.zip' },
  { path: '/v1/readyz/..%2fSettings/Get', cleaned: '/v1/Settings/Get' },
  { path: '/v1/readyz/%2e%2e/Settings/Get', cleaned: '/v1/Settings/Get' },
  { path: '/v1/readyz/..%2F..%2Fv1/Settings/Get', cleaned: '/v1/Settings/Get' },
  { path: '/ping/..%2fv1/Settings/Get', cleaned: '/v1/Settings/Get' },
  { path: '/graph/..%2fv1/Settings/Get', cleaned: '/v1/Settings/Get' },
  { path: '/swagger/..%2fprometheus/api/v1/query', cleaned: '/prometheus/api/v1/query' },
  { path: '/v1/version/..%2f..%2fv1/Settings/Get', cleaned: '/v1/Settings/Get' },
  { path: '/v1/readyz%3F/../Settings/Get', cleaned: '/v1/Settings/Get' },
];

describe('path traversal (pmm-auth §2.2 cleanPath, pmm-auth §5.1, pmm-auth §6 CVE-2023-34409)', () => {
  it.each(TRAVERSALS)(
    'pmm-auth §2.2, pmm-auth §5.1: GET $path with a Viewer key is judged as $cleaned (admin) → 401 code 7',
    async ({ path }) => {
      const res = await t.https().get(path).set('Authorization', bearer(viewerKey()));
      expect(res.status).toBe(401);
      expect(res.headers['content-type']).toBe('application/json');
      expect(res.text).toBe(DENIED);
    },
  );

  it.each(TRAVERSALS)(
    'pmm-auth §2.2, pmm-auth §5.1: GET $path without credentials does not pass as role none → 401 code 16',
    async ({ path }) => {
      const res = await t.https().get(path);
      expect(res.status).toBe(401);
      expect(res.text).toBe(UNAUTHORIZED);
    },
  );

  it('pmm-auth §2.2: the escaped path reaches the auth layer unchanged and is matched on its cleaned form', async () => {
    const since = ((await t.https().get('/__mock/requests')).body as { total: number }).total;
    await t.https().get('/v1/readyz/%2e%2e/Settings/Get').set('Authorization', bearer(viewerKey()));
    const res = await t.https().get(`/__mock/requests?since=${since}`);
    const [entry] = res.body.requests as { path: string; rule: unknown }[];
    expect(entry).toMatchObject({
      path: '/v1/readyz/%2e%2e/Settings/Get',
      rule: { prefix: '/v1/Settings/', role: 'admin' },
    });
  });

  it('pmm-auth §2.2: GET /v1/version%3Fx is judged as /v1/version (viewer): a Viewer key passes the auth layer', async () => {
    const res = await t.https().get('/v1/version%3Fx').set('Authorization', bearer(viewerKey()));
    expect(res.status).not.toBe(401);
  });

  it('pmm-auth §2.2: GET /v1/version%3Fx without credentials → 401 code 16 (not role none)', async () => {
    const res = await t.https().get('/v1/version%3Fx');
    expect(res.status).toBe(401);
    expect(res.text).toBe(UNAUTHORIZED);
  });

  it.each([
    { path: '/v1/version?dummy=100%25', auth: (): string | undefined => bearer(viewerKey()), status: 200 },
    { path: '/graph/api/health?x=%25zz', auth: (): string | undefined => undefined, status: 200 },
  ])(
    'pmm-auth §2.2 step 3: the query is dropped unparsed — GET $path → $status, not code 13',
    async ({ path, auth, status }) => {
      const req = t.https().get(path);
      const header = auth();
      const res = await (header === undefined ? req : req.set('Authorization', header));
      expect(res.status).toBe(status);
    },
  );

  it.each([
    {
      label: 'a bad escape',
      path: '/v1/version%zz',
      who: 'without credentials',
      auth: undefined as string | undefined,
    },
    { label: 'a bad escape', path: '/v1/version%zz', who: 'as the Grafana server admin', auth: ADMIN_AUTH },
    { label: 'a truncated escape', path: '/v1/version%4', who: 'as the Grafana server admin', auth: ADMIN_AUTH },
    { label: 'a bad escape under a none prefix', path: '/v1/readyz%zz', who: 'without credentials', auth: undefined },
    {
      label: 'an escaped control character',
      path: '/v1/version%00',
      who: 'as the Grafana server admin',
      auth: ADMIN_AUTH,
    },
  ])('pmm-auth §2.2 step 3: GET $path ($label) $who → 401 code 13 "Internal server error."', async ({ path, auth }) => {
    const req = t.https().get(path);
    const res = await (auth === undefined ? req : req.set('Authorization', auth));
    expect(res.status).toBe(401);
    expect(res.headers['content-type']).toBe('application/json');
    expect(res.text).toBe(INTERNAL);
  });
});

describe('handler errors behind the layer (pmm-auth §2.6, pmm-auth §3.1, pmm-auth §5.1 NormalErrors)', () => {
  it.each([
    {
      dummy: 'grpccode-16',
      status: 401,
      code: 16,
      message: 'gRPC code 16 (Unauthenticated)',
      wwwAuthenticate: 'gRPC code 16 (Unauthenticated)',
    },
    {
      dummy: 'grpccode-7',
      status: 403,
      code: 7,
      message: 'gRPC code 7 (PermissionDenied)',
      wwwAuthenticate: undefined,
    },
  ])(
    'pmm-auth §5.1, pmm-auth §2.6: GET /v1/version?dummy=$dummy as admin → HTTP $status, pretty code $code "$message"',
    async ({ dummy, status, code, message, wwwAuthenticate }) => {
      const res = await t.https().get(`/v1/version?dummy=${dummy}`).set('Authorization', ADMIN_AUTH);
      expect(res.status).toBe(status);
      expect(res.headers['content-type']).toBe('application/json');
      expect(res.text).toBe(JSON.stringify({ error: message, code, message }, null, 2));
      expect(res.headers['www-authenticate']).toBe(wwwAuthenticate);
    },
  );
});

describe('nginx headers (pmm-auth §1.1)', () => {
  const HSTS = 'max-age=63072000; includeSubdomains;';
  const rows = [
    {
      label: '200 version',
      status: 200,
      send: () => t.https().get('/v1/version').set('Authorization', bearer(viewerKey())),
    },
    { label: '200 readyz without credentials', status: 200, send: () => t.https().get('/v1/readyz') },
    { label: '302 redirect of /', status: 302, send: () => t.https().get('/').redirects(0) },
    { label: '401 code 16', status: 401, send: () => t.https().get('/v1/version') },
    {
      label: '401 code 7',
      status: 401,
      send: () => t.https().post('/v1/Settings/Get').set('Authorization', bearer(viewerKey())),
    },
    { label: '401 code 13', status: 401, send: () => t.https().get('/v1/version%zz') },
    {
      label: '403 handler error',
      status: 403,
      send: () => t.https().get('/v1/version?dummy=grpccode-7').set('Authorization', ADMIN_AUTH),
    },
    {
      label: '404 unknown path as admin',
      status: 404,
      send: () => t.https().get('/v1/foo').set('Authorization', ADMIN_AUTH),
    },
  ];

  it.each(rows)('pmm-auth §1.1: Strict-Transport-Security is on every response ($label)', async ({ send, status }) => {
    const res = await send();
    expect(res.status).toBe(status);
    expect(res.headers['strict-transport-security']).toBe(HSTS);
  });

  it.each(rows)(
    'pmm-auth §1.1: X-Frame-Options, X-Content-Type-Options, X-XSS-Protection only on 2xx/3xx ($label)',
    async ({ send, status }) => {
      const res = await send();
      expect(res.status).toBe(status);
      const ok = status >= 200 && status < 400;
      expect(res.headers['x-frame-options']).toBe(ok ? 'DENY' : undefined);
      expect(res.headers['x-content-type-options']).toBe(ok ? 'nosniff' : undefined);
      expect(res.headers['x-xss-protection']).toBe(ok ? '1; mode=block' : undefined);
    },
  );

  it.each(rows.filter((r) => r.status < 400))(
    'pmm-auth §1.1: Cache-control and Pragma "no-cache" are on 2xx/3xx ($label)',
    async ({ send, status }) => {
      const res = await send();
      expect(res.status).toBe(status);
      expect(res.headers['cache-control']).toBe('no-cache');
      expect(res.headers['pragma']).toBe('no-cache');
    },
  );

  it('pmm-auth §1.1: Strict-Transport-Security is on the plain HTTP listener too', async () => {
    const res = await t.http().get('/v1/version');
    expect(res.status).toBe(401);
    expect(res.headers['strict-transport-security']).toBe(HSTS);
  });
});
