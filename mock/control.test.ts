/**
 * The mock's control API under /__mock (issue 2 §7) — not part of PMM: the request journal,
 * the clock, reset and the route table, over the real HTTPS server.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ADMIN_AUTH, basic, bearer, createKey, startTestMock, type TestMock } from './testing/harness.ts';

interface Entry {
  seq: number;
  time: string;
  method: string;
  path: string;
  query: string;
  scheme: string;
  port: number | null;
  credential: { kind: string; login?: string; keyPrefix?: string; keyFingerprint?: string };
  rule: { prefix: string | null; role: string } | null;
  status: number;
}
interface JournalBody {
  total: number;
  capacity: number;
  requests: Entry[];
}

const fingerprint = (key: string): string => `sha256:${createHash('sha256').update(key).digest('hex').slice(0, 16)}`;

let t: TestMock;

async function journal(query = ''): Promise<{ text: string; body: JournalBody }> {
  const res = await t.https().get(`/__mock/requests${query}`);
  expect(res.status).toBe(200);
  return { text: res.text, body: JSON.parse(res.text) as JournalBody };
}

async function postClock(body: string) {
  return t.https().post('/__mock/clock').set('Content-Type', 'application/json').send(body);
}

beforeAll(async () => {
  t = await startTestMock();
});
afterAll(() => t.close());
beforeEach(async () => {
  const res = await t.https().post('/__mock/reset').set('Content-Type', 'application/json');
  expect(res.status).toBe(200);
});

describe('GET /__mock/requests (issue 2 §7: the journal)', () => {
  it.each([{ listener: 'https' as const }, { listener: 'http' as const }])(
    'issue 2 §7: an entry records time, method, path, query, scheme $listener and the listener port',
    async ({ listener }) => {
      const agent = listener === 'https' ? t.https() : t.http();
      const res = await agent.get('/v1/readyz?verbose=1&x=y');
      expect(res.status).toBe(200);
      const { body } = await journal();
      expect(body.requests).toHaveLength(1);
      const e = body.requests[0]!;
      expect(e).toMatchObject({
        method: 'GET',
        path: '/v1/readyz',
        query: 'verbose=1&x=y',
        scheme: listener,
        status: 200,
      });
      expect(e.port).toBe(listener === 'https' ? t.mock.httpsPort : t.mock.httpPort);
      expect(new Date(e.time).toISOString()).toBe(e.time);
      expect(Object.keys(e)).toEqual([
        'seq',
        'time',
        'method',
        'path',
        'query',
        'scheme',
        'port',
        'personality',
        'host',
        'authorizations',
        'credential',
        'failure',
        'rule',
        'status',
        'fault',
      ]);
      expect((e as unknown as { fault: unknown }).fault).toBeNull();
    },
  );

  it('issue 2 §7: the entry time is the mock clock, not the wall clock', async () => {
    expect((await postClock('{"now":"2030-01-01T00:00:00Z"}')).status).toBe(200);
    await t.https().get('/v1/readyz');
    const { body } = await journal();
    expect(body.requests[0]!.time.startsWith('2030-01-01T')).toBe(true);
  });

  const secrets = (): Record<string, string> => ({ key: t.mock.keys['seed-viewer']!, password: 'viewer-pw' });
  it.each([
    { kind: 'none', auth: () => undefined, status: 401, extra: () => ({}) },
    {
      kind: 'bearer',
      auth: () => bearer(secrets().key!),
      status: 200,
      extra: () => ({ keyPrefix: secrets().key!.slice(0, 8), keyFingerprint: fingerprint(secrets().key!) }),
    },
    {
      kind: 'basic-api-key',
      auth: () => basic('api_key', secrets().key!),
      status: 200,
      extra: () => ({
        login: 'api_key',
        keyPrefix: secrets().key!.slice(0, 8),
        keyFingerprint: fingerprint(secrets().key!),
      }),
    },
    {
      kind: 'basic-user',
      auth: () => basic('viewer', secrets().password!),
      status: 200,
      extra: () => ({ login: 'viewer' }),
    },
    { kind: 'invalid', auth: () => 'Basic !!!not-base64!!!', status: 401, extra: () => ({}) },
  ])(
    'issue 2 §7: credential kind $kind is recorded with login or key prefix + fingerprint, never the secret',
    async ({ kind, auth, status, extra }) => {
      const req = t.https().get('/v1/version');
      const header = auth();
      const res = header === undefined ? await req : await req.set('Authorization', header);
      expect(res.status).toBe(status);
      const { text, body } = await journal();
      expect(body.requests[0]!.credential).toEqual({ kind, ...extra() });
      expect(text).not.toContain(secrets().key);
      expect(text).not.toContain(secrets().password);
    },
  );

  it('issue 2 §7: a key created through the API never appears in the journal, not even in the creation request', async () => {
    const { key } = await createKey(t, 'journal-secret', 'Editor');
    await t.https().get('/v1/version').set('Authorization', bearer(key));
    await t.https().get('/graph/api/auth/key').set('Authorization', basic('api_key', key));
    const { text, body } = await journal();
    expect(body.requests.map((e) => e.status)).toEqual([200, 200, 200]);
    expect(text).not.toContain(key);
    expect(text).not.toContain(encodeURIComponent(key));
    expect(text).not.toContain('admin-test-pw');
  });

  it.each([
    { name: 'api_key', encode: false },
    { name: 'api_key', encode: true },
    { name: 'token', encode: true },
    { name: 'password', encode: true },
  ])(
    'issue 2 §7: a secret sent as ?$name= (url-encoded: $encode) is redacted in the journal query',
    async ({ name, encode }) => {
      const key = t.mock.keys['seed-admin']!;
      const value = encode ? encodeURIComponent(key) : key;
      await t.https().get(`/v1/version?${name}=${value}&x=1`);
      const { text, body } = await journal();
      const e = body.requests[0]!;
      expect(e.path).toBe('/v1/version');
      expect(e.query.startsWith(`${name}=<`)).toBe(true);
      expect(e.query.endsWith('>&x=1')).toBe(true);
      // Issue 12: a known key is shown by its own fingerprint, however it was encoded.
      expect(e.query).toContain(fingerprint(key));
      expect(text).not.toContain(key);
      expect(text).not.toContain(encodeURIComponent(key));
    },
  );

  it.each([
    { path: '/v1/version', rule: { prefix: '/v1/version', role: 'viewer' } },
    { path: '/v1/readyz', rule: { prefix: '/v1/readyz', role: 'none' } },
    { path: '/v1/Settings/Get', rule: { prefix: '/v1/Settings/', role: 'admin' } },
    { path: '/v1/no/such/thing', rule: { prefix: null, role: 'grafanaAdmin' } },
    { path: '/graph/api/health', rule: { prefix: '/graph', role: 'none' } },
  ])('pmm-auth §2.1: the journal records the rule {prefix, role} matched for $path', async ({ path, rule }) => {
    await t.https().get(path).set('Authorization', ADMIN_AUTH);
    const { body } = await journal();
    expect(body.requests[0]!.rule).toEqual(rule);
  });

  it('issue 2 §7: ?since=<seq> returns only the entries after that seq', async () => {
    for (const p of ['/v1/readyz', '/ping', '/v1/version']) await t.https().get(p);
    const all = (await journal()).body.requests;
    expect(all.map((e) => e.path)).toEqual(['/v1/readyz', '/ping', '/v1/version']);
    const after = (await journal(`?since=${all[1]!.seq}`)).body.requests;
    expect(after.map((e) => e.path)).toEqual(['/v1/version']);
    expect((await journal(`?since=${all[2]!.seq}`)).body.requests).toEqual([]);
  });

  it.each(['-1', 'abc', '1.5'])('issue 2 §7: ?since=%s is a 400 with a JSON error', async (since) => {
    const res = await t.https().get(`/__mock/requests?since=${since}`);
    expect(res.status).toBe(400);
    expect(typeof res.body.error).toBe('string');
  });

  it('issue 2 §7: DELETE /__mock/requests clears the journal; the total keeps counting', async () => {
    await t.https().get('/v1/readyz');
    await t.https().get('/v1/readyz');
    const before = (await journal()).body;
    const res = await t.https().delete('/__mock/requests').set('Content-Type', 'application/json');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ cleared: 2 });
    const after = (await journal()).body;
    expect(after.requests).toEqual([]);
    expect(after.total).toBe(before.total);
  });

  it('issue 2 §7: the journal is a bounded ring (capacity 5, 8 requests → 5 kept, total 8)', async () => {
    const small = await startTestMock({ journalCapacity: 5 });
    try {
      for (let i = 1; i <= 8; i++) expect((await small.https().get(`/v1/readyz?n=${i}`)).status).toBe(200);
      const body = (await small.https().get('/__mock/requests')).body as JournalBody;
      expect(body.capacity).toBe(5);
      expect(body.total).toBe(8);
      expect(body.requests.map((e) => e.query)).toEqual(['n=4', 'n=5', 'n=6', 'n=7', 'n=8']);
    } finally {
      await small.close();
    }
  });

  it('issue 2 §7: the default journal capacity is 1000', async () => {
    expect((await journal()).body.capacity).toBe(1000);
  });

  it('issue 2 §7: requests to /__mock are not journaled', async () => {
    const before = (await journal()).body.total;
    await t.https().get('/__mock/clock');
    await t.https().get('/__mock/routes');
    await t.https().get('/__mock/nothing-here');
    await postClock('{"advanceSeconds":0}');
    const after = (await journal()).body;
    expect(after.requests).toEqual([]);
    expect(after.total).toBe(before);
  });
});

describe('/__mock/clock (issue 2 §7)', () => {
  it('issue 2 §7: GET /__mock/clock reports now, unix and offsetSeconds 0 after reset', async () => {
    const res = await t.https().get('/__mock/clock');
    expect(res.status).toBe(200);
    expect(Object.keys(res.body)).toEqual(['now', 'unix', 'offsetSeconds']);
    expect(res.body.offsetSeconds).toBe(0);
    expect(res.body.unix).toBe(Math.floor(Date.parse(res.body.now) / 1000));
  });

  it('issue 2 §7: {"advanceSeconds":N} moves now forward by N seconds', async () => {
    const before = (await t.https().get('/__mock/clock')).body as { now: string };
    const res = await postClock('{"advanceSeconds":3600}');
    expect(res.status).toBe(200);
    expect(res.body.offsetSeconds).toBe(3600);
    expect(Date.parse(res.body.now) - Date.parse(before.now)).toBeGreaterThanOrEqual(3600_000);
    expect((await postClock('{"advanceSeconds":-600}')).body.offsetSeconds).toBe(3000);
  });

  it('issue 2 §7: {"now":"2030-01-01T00:00:00Z"} sets the clock', async () => {
    const res = await postClock('{"now":"2030-01-01T00:00:00Z"}');
    expect(res.status).toBe(200);
    expect(res.body.now.startsWith('2030-01-01T00:0')).toBe(true);
    expect(res.body.unix).toBeGreaterThanOrEqual(Date.UTC(2030, 0, 1) / 1000);
    expect((await t.https().get('/__mock/clock')).body.now.startsWith('2030-01-01T')).toBe(true);
  });

  it('grafana-auth §4: advancing the clock past a key expiry makes the key expired', async () => {
    const { key } = await createKey(t, 'short-lived', 'Viewer', 60);
    expect((await t.https().get('/graph/api/auth/key').set('Authorization', bearer(key))).status).toBe(200);
    expect((await postClock('{"advanceSeconds":61}')).status).toBe(200);
    const res = await t.https().get('/graph/api/auth/key').set('Authorization', bearer(key));
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ message: 'Expired API key' });
  });

  it.each([
    { what: 'non-JSON', body: 'advance 10 seconds' },
    { what: 'empty body', body: '' },
    { what: 'both fields', body: '{"advanceSeconds":1,"now":"2030-01-01T00:00:00Z"}' },
    { what: 'neither field', body: '{}' },
    { what: 'advanceSeconds as string', body: '{"advanceSeconds":"10"}' },
    { what: 'advanceSeconds null', body: '{"advanceSeconds":null}' },
    { what: 'now as number', body: '{"now":1893456000}' },
    { what: 'bad date', body: '{"now":"not a date"}' },
    { what: 'impossible date', body: '{"now":"2030-13-45T00:00:00Z"}' },
    { what: 'unknown field', body: '{"advanceSeconds":1,"speed":2}' },
    { what: 'array', body: '[{"advanceSeconds":1}]' },
    { what: 'null', body: 'null' },
  ])('issue 2 §7: POST /__mock/clock with $what → 400 {"error":...}, clock unchanged', async ({ body }) => {
    const res = await postClock(body);
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(Object.keys(res.body)).toEqual(['error']);
    expect(res.body.error.length).toBeGreaterThan(0);
    expect((await t.https().get('/__mock/clock')).body.offsetSeconds).toBe(0);
  });
});

describe('POST /__mock/reset, GET /__mock/routes, unknown control paths (issue 2 §7)', () => {
  it('issue 2 §7: POST /__mock/reset restores the initial keys, clears the journal and resets the clock', async () => {
    const { key } = await createKey(t, 'made-after-start', 'Admin');
    expect((await t.https().get('/v1/version').set('Authorization', bearer(key))).status).toBe(200);
    await postClock('{"advanceSeconds":86400}');
    const res = await t.https().post('/__mock/reset').set('Content-Type', 'application/json');
    expect(res.status).toBe(200);
    expect(res.body.reset).toBe(true);
    expect(res.body.clock.offsetSeconds).toBe(0);
    expect((await journal()).body.requests).toEqual([]);
    expect((await t.https().get('/__mock/clock')).body.offsetSeconds).toBe(0);
    const gone = await t.https().get('/v1/version').set('Authorization', bearer(key));
    expect(gone.status).toBe(401);
    expect(gone.body.code).toBe(16);
    for (const name of ['seed-viewer', 'seed-editor', 'seed-admin']) {
      expect((await t.https().get('/v1/version').set('Authorization', bearer(t.mock.keys[name]!))).status).toBe(200);
    }
    const list = await t.https().get('/graph/api/auth/keys').set('Authorization', ADMIN_AUTH);
    expect(list.body.map((k: { name: string }) => k.name)).toEqual(['seed-admin', 'seed-editor', 'seed-viewer']);
  });

  it('issue 2 §7: GET /__mock/routes lists the profile, its routes and its auth rules', async () => {
    const res = await t.https().get('/__mock/routes');
    expect(res.status).toBe(200);
    expect(res.body.profile).toBe('pmm2');
    expect(res.body.routes).toEqual(
      expect.arrayContaining([
        { method: 'GET', path: '/v1/version' },
        { method: 'GET', path: '/v1/readyz' },
        { method: 'POST', path: '/graph/api/auth/keys' },
        { method: 'DELETE', path: '/graph/api/auth/keys/:id' },
      ]),
    );
    expect(res.body.authRules).toEqual(
      expect.arrayContaining([
        { prefix: '/v1/version', role: 'viewer' },
        { prefix: '/graph', role: 'none' },
      ]),
    );
  });

  it.each([
    ['GET', '/__mock/x'],
    ['GET', '/__mock/requests/1'],
    ['POST', '/__mock/requests'],
    ['GET', '/__mock/reset'],
    ['PUT', '/__mock/clock'],
  ] as const)('issue 2 §7: unknown control endpoint %s %s → 404 JSON {"error":...}', async (method, path) => {
    const agent = t.https();
    // Writes carry the JSON type every control write needs (mock/control-guard.ts), so the path decides.
    const res = await (method === 'GET'
      ? agent.get(path)
      : (method === 'POST' ? agent.post(path) : agent.put(path)).set('Content-Type', 'application/json'));
    expect(res.status).toBe(404);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(typeof res.body.error).toBe('string');
  });
});
