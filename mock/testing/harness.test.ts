import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ADMIN_AUTH,
  basic,
  bearer,
  startInProcessMock,
  startTestMock,
  type InProcessTestMock,
  type TestMock,
} from './harness.ts';

describe('test harness', () => {
  let t: TestMock;
  beforeAll(async () => {
    t = await startTestMock();
  });
  afterAll(() => t.close());

  it('serves HTTPS with the generated certificate trusted per request', async () => {
    const res = await t.https().get('/v1/version').set('Authorization', bearer(t.mock.keys['seed-viewer']!));
    expect(res.status).toBe(200);
    expect(res.body.version).toBe('2.41.0');
  });

  it('serves the plain HTTP listener too (pmm-auth §1.1: no redirect to HTTPS)', async () => {
    const res = await t.http().get('/graph/api/auth/keys').set('Authorization', ADMIN_AUTH);
    expect(res.status).toBe(200);
    expect(res.body.map((k: { name: string }) => k.name)).toEqual(['seed-admin', 'seed-editor', 'seed-viewer']);
  });
});

describe('in-process harness (app.request(), no socket)', () => {
  let real: TestMock;
  let inProcess: InProcessTestMock;
  beforeAll(async () => {
    real = await startTestMock();
    inProcess = await startInProcessMock();
  });
  afterAll(() => Promise.all([real.close(), inProcess.close()]));

  /** Requests whose answers carry no secret and no time: both harnesses must give the same. */
  const SAME = [
    {
      label: 'the key list as admin',
      send: (t: TestMock | InProcessTestMock) => t.https().get('/graph/api/auth/keys').set('Authorization', ADMIN_AUTH),
    },
    {
      label: 'the version with the seeded viewer key',
      send: (t: TestMock | InProcessTestMock) =>
        t.https().get('/v1/version').set('Authorization', bearer(t.mock.keys['seed-viewer']!)),
    },
    {
      label: 'the current user as viewer',
      send: (t: TestMock | InProcessTestMock) =>
        t.https().get('/graph/api/user').set('Authorization', basic('viewer', 'viewer-pw')),
    },
    {
      label: 'a form body to the key API',
      send: (t: TestMock | InProcessTestMock) =>
        t.https().post('/graph/api/auth/keys').set('Authorization', ADMIN_AUTH).send('name=x&role=Viewer'),
    },
    {
      label: 'an escaped traversal without credentials',
      send: (t: TestMock | InProcessTestMock) => t.https().get('/v1/readyz/%2e%2e/Settings/Get'),
    },
    { label: 'the / redirect over HTTP', send: (t: TestMock | InProcessTestMock) => t.http().get('/') },
    { label: 'an unknown path', send: (t: TestMock | InProcessTestMock) => t.https().get('/nope?x=1') },
  ];

  /** Status, the app's headers and the body, with the harness's host:port written HOST. */
  function shape(r: { status: number; headers: Record<string, unknown>; text: string; body: unknown }, url: string) {
    const host = (v: unknown) => String(v).replaceAll(new URL(url).host, 'HOST');
    // Node's server adds date, connection and framing headers: not the app's.
    const own = Object.entries(r.headers).filter(
      ([k]) => !['date', 'connection', 'keep-alive', 'transfer-encoding', 'content-length'].includes(k),
    );
    return {
      status: r.status,
      headers: Object.fromEntries(own.map(([k, v]) => [k, host(v)])),
      text: host(r.text),
      body: r.body,
    };
  }

  it.each(SAME)('answers $label as the real server does (status, headers, body)', async ({ send }) => {
    const [a, b] = await Promise.all([send(real), send(inProcess)]);
    expect(shape(b, inProcess.mock.httpUrl)).toEqual(shape(a, real.mock.httpUrl!));
  });

  it('starts with the same users and seeded keys as the socket harness, and its journal records port null', async () => {
    for (const login of ['admin', 'viewer', 'editor', 'orgadmin'])
      expect(inProcess.mock.store.findUser(login)?.orgRole).toBe(real.mock.store.findUser(login)?.orgRole);
    expect(Object.keys(inProcess.mock.keys)).toEqual(Object.keys(real.mock.keys));
    await inProcess.https().get('/v1/readyz');
    const entry = (
      (await inProcess.https().get('/__mock/requests')).body.requests as {
        scheme: string;
        port: number | null;
        path: string;
      }[]
    ).at(-1);
    expect(entry).toMatchObject({ scheme: 'https', port: null, path: '/v1/readyz' });
  });
});
