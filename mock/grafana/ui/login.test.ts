/**
 * Issue 17 without a browser: `POST /graph/login` and its errors, the `grafana_session` cookie as
 * a credential (Grafana's API, PMM's auth layer, the journal's kind `session`), the shared
 * lockout, logout, session expiry, the CSRF origin check, the pages' redirect and Add button, and
 * the Time to live parser the page runs.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { pmm3 } from '../../profiles/pmm3.ts';
import {
  ADMIN_PASSWORD,
  authLayerBody,
  basic,
  bearer,
  type InProcessTestMock,
  seedKey,
  startInProcessMock,
} from '../../testing/harness.ts';
import { intervalToSeconds } from './apikeys.ts';

let t: InProcessTestMock;
beforeAll(async () => {
  t = await startInProcessMock();
});
afterAll(() => t.close());
beforeEach(() => {
  t.clock.reset();
  t.mock.store.reset();
  t.mock.journal.clear();
});

const login = (user: unknown, password: unknown) =>
  t.https().post('/graph/login').set('Content-Type', 'application/json').send(JSON.stringify({ user, password }));

/** Logs in and returns the `grafana_session=…` pair of the answer's cookie. */
async function session(user = 'admin', password = ADMIN_PASSWORD): Promise<string> {
  const res = await login(user, password);
  expect(res.status, res.text).toBe(200);
  return /^(grafana_session=[0-9a-f]{32});/.exec(res.headers['set-cookie'] ?? '')![1]!;
}

const lastEntry = () => t.mock.journal.list().at(-1)!;

describe('POST /graph/login', () => {
  it('issue 17: the right password → 200 {"message":"Logged in"} and an HttpOnly grafana_session cookie', async () => {
    const res = await login('admin', ADMIN_PASSWORD);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ message: 'Logged in' });
    expect(res.headers['set-cookie']).toMatch(
      /^grafana_session=[0-9a-f]{32}; Path=\/; Max-Age=2592000; HttpOnly; SameSite=Lax$/,
    );
  });

  it.each([
    ['a wrong password', 'admin', 'wrong', 'wrong password'],
    ['an unknown user', 'nobody', 'x', 'unknown user'],
  ])('issue 17: %s → 401 "Invalid username or password" (9.2, traceID), no cookie', async (_l, user, pw, reason) => {
    const res = await login(user, pw);
    expect([res.status, res.text]).toEqual([401, '{"message":"Invalid username or password","traceID":""}']);
    expect(res.headers['set-cookie']).toBeUndefined();
    expect(lastEntry().failure).toBe(reason);
  });

  it.each([
    ['an empty user', { user: '', password: 'x' }, 'application/json'],
    ['no password', { user: 'admin' }, 'application/json'],
    ['a form body', 'user=admin&password=x', 'application/x-www-form-urlencoded'],
  ])('issue 17: %s → 400 "bad login data"', async (_l, body, type) => {
    const res = await t
      .https()
      .post('/graph/login')
      .set('Content-Type', type)
      .send(typeof body === 'string' ? body : JSON.stringify(body));
    expect([res.status, res.body]).toEqual([400, { message: 'bad login data', traceID: '' }]);
  });

  it('issue 17, auth-bugs §B7: five failures lock the login (even the right password, also for Basic), five minutes later it works', async () => {
    for (let i = 0; i < 5; i++) expect((await login('viewer', 'bad')).status).toBe(401);
    expect((await login('viewer', 'viewer-pw')).status).toBe(401);
    expect(lastEntry().failure).toBe('locked out');
    const viaBasic = await t.https().get('/graph/api/user').set('Authorization', basic('viewer', 'viewer-pw'));
    expect(viaBasic.status).toBe(401);
    t.clock.advance(5 * 60);
    expect((await login('viewer', 'viewer-pw')).status).toBe(200);
  });

  it('issue 17: on PMM 3 (Grafana 11.1) a failure is the typed password-auth.failed (grafana-auth §6.1, LIKELY)', async () => {
    const p3 = await startInProcessMock({ profile: pmm3 });
    try {
      const res = await p3
        .https()
        .post('/graph/login')
        .set('Content-Type', 'application/json')
        .send('{"user":"admin","password":"no"}');
      expect(res.status).toBe(401);
      expect(res.body).toMatchObject({ message: 'Invalid username or password', messageId: 'password-auth.failed' });
    } finally {
      await p3.close();
    }
  });
});

describe('the session cookie as a credential', () => {
  it("issue 17: Grafana's API knows the user; the journal says kind session with a fingerprint, never the token", async () => {
    const cookie = await session();
    const res = await t.https().get('/graph/api/user').set('Cookie', `other=1; ${cookie}`);
    expect([res.status, res.body.login, res.body.isGrafanaAdmin]).toEqual([200, 'admin', true]);
    const { credential } = lastEntry();
    expect(credential).toEqual({
      kind: 'session',
      keyPrefix: cookie.slice(16, 24),
      keyFingerprint: expect.stringMatching(/^sha256:[0-9a-f]{16}$/),
    });
    expect(JSON.stringify(t.mock.journal.list())).not.toContain(cookie.slice(16));
  });

  it('issue 17, pmm-auth §2.3: the PMM auth layer takes the cookie as pmm-managed does (/api/user with the Cookie): the role decides', async () => {
    const viewer = await session('viewer', 'viewer-pw');
    const version = await t.https().get('/v1/version').set('Cookie', viewer);
    expect(version.status).toBe(200);
    expect(lastEntry()).toMatchObject({
      credential: { kind: 'session' },
      rule: { prefix: '/v1/version', role: 'viewer' },
    });
    const settings = await t.https().post('/v1/Settings/Get').set('Cookie', viewer);
    expect([settings.status, settings.text]).toEqual([401, authLayerBody(7, 'Access denied.')]);
    const admin = await session();
    expect((await t.https().post('/v1/Settings/Get').set('Cookie', admin)).status).toBe(200);
  });

  it('issue 17, grafana-auth §3.1: an Authorization header wins over the cookie (the session comes after key and Basic)', async () => {
    const admin = await session();
    const res = await t
      .https()
      .get('/graph/api/auth/keys')
      .set('Cookie', admin)
      .set('Authorization', bearer(seedKey(t, 'viewer')));
    expect(res.status).toBe(403);
    expect(lastEntry().credential.kind).toBe('bearer');
  });

  it('issue 17: logout ends the session: the cookie is anonymous then ("unknown session"), /v1 answers code 16', async () => {
    const cookie = await session();
    const out = await t.https().get('/graph/logout').set('Cookie', cookie);
    expect([out.status, out.headers.location]).toEqual([302, '/graph/login']);
    expect(out.headers['set-cookie']).toMatch(/^grafana_session=; Path=\/; Max-Age=0/);
    const res = await t.https().get('/graph/api/user').set('Cookie', cookie);
    expect([res.status, res.body]).toEqual([401, { message: 'Unauthorized' }]);
    expect(lastEntry().failure).toBe('unknown session');
    expect((await t.https().get('/v1/version').set('Cookie', cookie)).text).toBe(authLayerBody(16, 'Unauthorized'));
  });

  it('issue 17: a session unused for 7 days has expired ("expired session"); a reset ends every session', async () => {
    const cookie = await session();
    t.clock.advance(7 * 24 * 3600);
    expect((await t.https().get('/graph/api/user').set('Cookie', cookie)).status).toBe(401);
    expect(lastEntry().failure).toBe('expired session');
    const again = await session();
    t.mock.store.reset();
    expect((await t.https().get('/graph/api/user').set('Cookie', again)).status).toBe(401);
  });
});

describe('CSRF and the pages', () => {
  const create = (cookie: string, origin?: string) => {
    const req = t.https().post('/graph/api/auth/keys').set('Cookie', cookie).set('Content-Type', 'application/json');
    if (origin) req.set('Origin', origin);
    return req.send('{"name":"csrf","role":"Viewer"}');
  };

  it('issue 17: with the session cookie, an Origin of another host → 403 "origin not allowed"; the same host or none passes', async () => {
    const cookie = await session();
    const evil = await create(cookie, 'https://evil.example');
    expect([evil.status, evil.text, evil.headers['content-type']]).toEqual([
      403,
      'origin not allowed\n',
      'text/plain; charset=utf-8',
    ]);
    expect((await create(cookie, 'https://127.0.0.1:9999')).status).toBe(200);
    t.mock.store.reset();
    expect((await create(await session())).status).toBe(200);
  });

  it('issue 17, grafana-auth §3.6: a page without a session redirects to the login page and remembers where it was', async () => {
    const res = await t.https().get('/graph/org/apikeys');
    expect([res.status, res.headers.location]).toEqual([302, '/graph/login']);
    expect(res.headers['set-cookie']).toMatch(/^redirect_to=%2Fgraph%2Forg%2Fapikeys; Path=\/graph;/);
    const back = await t
      .https()
      .post('/graph/login')
      .set('Cookie', 'redirect_to=%2Fgraph%2Forg%2Fapikeys')
      .set('Content-Type', 'application/json')
      .send(JSON.stringify({ user: 'admin', password: ADMIN_PASSWORD }));
    expect(back.body).toEqual({ message: 'Logged in', redirectUrl: '/graph/org/apikeys' });
    expect((await t.https().get('/graph/login')).status).toBe(200);
  });

  it('issue 17, grafana-auth §1.1: the API keys page has "Add API key" for an org Admin, none for a Viewer', async () => {
    const admin = await t
      .https()
      .get('/graph/org/apikeys')
      .set('Cookie', await session());
    expect(admin.status).toBe(200);
    expect(admin.text).toContain('>Add API key</button>');
    const viewer = await t
      .https()
      .get('/graph/org/apikeys')
      .set('Cookie', await session('viewer', 'viewer-pw'));
    expect(viewer.text).not.toContain('Add API key</button>');
    expect(admin.text).toContain('>Configuration</a><ul class="flyout">');
    expect(viewer.text).not.toContain('class="flyout"');
  });
});

describe("the Time to live parser (Grafana's rangeUtil.intervalToSeconds, the page's own code)", () => {
  it.each([
    ['1d', 86_400],
    ['2h', 7_200],
    ['30m', 1_800],
    ['45s', 45],
    ['1w', 604_800],
    ['1M', 2_592_000],
    ['1y', 31_536_000],
    ['90', 90],
    ['1.5h', 3_600],
  ])('issue 17: %s → %d seconds', (text, seconds) => {
    expect(intervalToSeconds(text)).toBe(seconds);
  });
  it.each(['tomorrow', '0', '', 'd1'])('issue 17: %j is not a duration', (text) => {
    expect(() => intervalToSeconds(text)).toThrow(/Invalid interval string/);
  });
});
