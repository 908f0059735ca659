/**
 * Grafana 11.1.8 (PMM 3.0, profile pmm3, in progress) under /graph/api through the app in
 * process (startInProcessMock): authn failure bodies (grafana-auth §3.4, grafana-auth §3.5, grafana-auth §6.1), role parsing of POST
 * /api/auth/keys (grafana-auth §1.2), /api/user for API keys (grafana-auth §6.2) and /api/health (grafana-auth §6.3).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pmm3 } from '../profiles/pmm3.ts';
import {
  ADMIN_AUTH,
  basic,
  bearer,
  createKey,
  startInProcessMock,
  type InProcessTestMock,
} from '../testing/harness.ts';

const b64 = (s: string): string => Buffer.from(s).toString('base64');

/** grafana-auth §2.1: a legacy key `{"k","n","id"}` for `name` with a made-up secret. */
const legacyKey = (name: string): string => b64(JSON.stringify({ k: 'A'.repeat(32), n: name, id: 1 }));

/** grafana-auth §3.5: a Grafana-typed error body (keys sorted, `extra` null). */
const typed = (message: string, messageId: string) => ({
  extra: null,
  message,
  messageId,
  statusCode: 401,
  traceID: '',
});

const UNAUTHORIZED_TYPED = typed('Unauthorized', 'auth.unauthorized');
const EXPIRED = typed('Expired API key', 'api-key.expired');
const INVALID_KEY = typed('Invalid API key', 'api-key.invalid');
const INVALID_LOGIN = typed('Invalid username or password', 'password-auth.failed');
/** grafana-auth §3.5: a non-typed error → the fallback body. */
const UNAUTHORIZED_FALLBACK = { message: 'Unauthorized', traceID: '' };

/** A Grafana server admin used only for the wrong-password case (never lock "admin", pmm-auth §2.3). */
const PROBE = { login: 'pw-probe', password: 'pw-probe-pw' };

/** One mock for the file; tests use unique key names. */
let t: InProcessTestMock;
beforeAll(async () => {
  t = await startInProcessMock({
    profile: pmm3,
    users: [
      { login: 'viewer', password: 'viewer-pw', orgRole: 'Viewer' },
      { login: PROBE.login, password: PROBE.password, orgRole: 'Admin', isGrafanaAdmin: true },
    ],
  });
});
afterAll(() => t.close());

function seedKey(name: string): string {
  const key = t.mock.keys[name];
  if (key === undefined) throw new Error(`no seeded key ${name}`);
  return key;
}

/** Compares a JSON body and its key order (Go writes map keys sorted). */
function expectBody(res: { body: unknown }, body: object): void {
  expect(res.body).toEqual(body);
  expect(Object.keys(res.body as object)).toEqual(Object.keys(body));
}

const PATHS = ['/graph/api/auth/key', '/graph/api/user'];

describe('authn failures (Grafana 11.1)', () => {
  const rows: { ref: string; label: string; header: () => string | undefined; body: object }[] = [
    { ref: 'grafana-auth §3.5', label: 'no Authorization header', header: () => undefined, body: UNAUTHORIZED_TYPED },
    {
      ref: 'grafana-auth §3.5',
      label: 'the right key name with a wrong secret',
      header: () => bearer(legacyKey('seed-admin')),
      body: INVALID_KEY,
    },
    {
      ref: 'grafana-auth §3.5',
      label: 'a key that is not base64',
      header: () => bearer('not-base64!'),
      body: INVALID_KEY,
    },
    {
      ref: 'grafana-auth §3.5',
      label: 'an unknown key name',
      header: () => bearer(legacyKey('no-such-key')),
      body: UNAUTHORIZED_FALLBACK,
    },
    {
      ref: 'grafana-auth §3.5',
      label: 'a glsa_ token with a bad checksum (no 500 in 11.x)',
      header: () => bearer(`glsa_${'a'.repeat(32)}_00000000`),
      body: UNAUTHORIZED_FALLBACK,
    },
    {
      ref: 'grafana-auth §3.5',
      label: 'a glsa_ token with two parts (no 500 in 11.x)',
      header: () => bearer(`glsa_${'a'.repeat(32)}`),
      body: UNAUTHORIZED_FALLBACK,
    },
    {
      ref: 'grafana-auth §3.4',
      label: 'lower-case "bearer <key>"',
      header: () => `bearer ${seedKey('seed-admin')}`,
      body: UNAUTHORIZED_TYPED,
    },
    {
      ref: 'grafana-auth §6.1',
      label: 'Basic with a wrong password for a Grafana admin',
      header: () => basic(PROBE.login, 'wrong'),
      body: INVALID_LOGIN,
    },
    {
      ref: 'grafana-auth §6.1',
      label: 'Basic with an unknown user',
      header: () => basic('no-such-user', 'pw'),
      body: INVALID_LOGIN,
    },
  ];

  it.each(PATHS.flatMap((path) => rows.map((row) => ({ ...row, path }))))(
    '$ref: $label on $path → 401',
    async ({ path, header, body }) => {
      const req = t.https().get(path);
      const value = header();
      const res = await (value === undefined ? req : req.set('Authorization', value));
      expect(res.status).toBe(401);
      expectBody(res, body);
      expect(res.headers['www-authenticate']).toBeUndefined();
    },
  );

  it('grafana-auth §6.1: the probe user exists (its right password → 200), so the wrong-password rows hit a real user', async () => {
    const res = await t.https().get('/graph/api/user').set('Authorization', basic(PROBE.login, PROBE.password));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ login: PROBE.login, isGrafanaAdmin: true });
  });

  it('grafana-auth §3.5, grafana-auth §4: a key with secondsToLive 60 after the clock moves 60 s → 401 api-key.expired', async () => {
    const { key } = await createKey(t, 'g11-expiring', 'Viewer', 60);
    const before = await t.https().get('/graph/api/auth/key').set('Authorization', bearer(key));
    expect(before.status).toBe(200);
    t.clock.advance(60);
    try {
      const res = await t.https().get('/graph/api/auth/key').set('Authorization', bearer(key));
      expect(res.status).toBe(401);
      expectBody(res, EXPIRED);
    } finally {
      t.clock.advance(-60);
    }
  });
});

describe('POST /graph/api/auth/keys role parsing (grafana-auth §1.2, 11.x)', () => {
  async function listedRole(name: string): Promise<unknown> {
    const res = await t.https().get('/graph/api/auth/keys').set('Authorization', ADMIN_AUTH);
    expect(res.status).toBe(200);
    return (res.body as { name: string; role: string }[]).find((k) => k.name === name)?.role;
  }

  it.each([
    { input: 'viewer', role: 'Viewer' },
    { input: 'admin', role: 'Admin' },
    { input: 'None', role: 'None' },
    { input: 'none', role: 'None' },
  ])("grafana-auth §1.2: role $input → 200, the key's role is $role (title-cased)", async ({ input, role }) => {
    const name = `g11-role-${input}`;
    const { id } = await createKey(t, name, input);
    expect(id).toEqual(expect.any(Number));
    expect(await listedRole(name)).toBe(role);
  });

  it.each([{ input: 'Superuser' }, { input: 'Owner' }])(
    'grafana-auth §1.2, grafana-auth §1.3: role $input → 400 "bad request data"',
    async ({ input }) => {
      const name = `g11-bad-${input}`;
      const res = await t
        .https()
        .post('/graph/api/auth/keys')
        .set('Authorization', ADMIN_AUTH)
        .set('Content-Type', 'application/json')
        .send(JSON.stringify({ name, role: input }));
      expect(res.status).toBe(400);
      expectBody(res, { message: 'bad request data', traceID: '' });
      expect(await listedRole(name)).toBeUndefined();
    },
  );
});

describe('GET /graph/api/user with an API key (grafana-auth §6.2, 10.x+)', () => {
  it.each([
    { label: 'a Viewer key (Bearer)', auth: () => bearer(seedKey('seed-viewer')) },
    { label: 'an Admin key (Bearer)', auth: () => bearer(seedKey('seed-admin')) },
    { label: 'an Admin key (Basic api_key)', auth: () => basic('api_key', seedKey('seed-admin')) },
  ])('grafana-auth §6.2: $label → 403 "Endpoint only available for users"', async ({ auth }) => {
    const res = await t.https().get('/graph/api/user').set('Authorization', auth());
    expect(res.status).toBe(403);
    expectBody(res, { message: 'Endpoint only available for users' });
  });

  it('grafana-auth §6.2: a user still gets the profile', async () => {
    const res = await t.https().get('/graph/api/user').set('Authorization', basic('viewer', 'viewer-pw'));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ login: 'viewer', isGrafanaAdmin: false });
  });
});

describe('GET /graph/api/health (grafana-auth §6.3, 11.x)', () => {
  it.each([
    { label: 'no Authorization header', header: undefined },
    { label: 'a malformed glsa_ token', header: 'Bearer glsa_x_00000000' },
    { label: 'a lower-case "bearer" header', header: 'bearer whatever' },
  ])('grafana-auth §6.3: with $label → 200, keys database, version, commit, version 11.1.8', async ({ header }) => {
    const req = t.https().get('/graph/api/health');
    const res = await (header === undefined ? req : req.set('Authorization', header));
    expect(res.status).toBe(200);
    const body = JSON.parse(res.text) as Record<string, unknown>;
    expect(Object.keys(body)).toEqual(['database', 'version', 'commit']);
    expect(res.text).toBe(JSON.stringify(body, null, 2));
    expect(body).toEqual({ database: 'ok', version: '11.1.8', commit: expect.any(String) });
  });
});

describe('GET /graph/api/auth/keys items (grafana-auth §1.5, 10.x/11.x)', () => {
  it('grafana-auth §1.5: `lastUsedAt` follows `expiration` once the key was used, and is omitted before', async () => {
    const { id, key } = await createKey(t, 'last-used-probe', 'Viewer', 3600);
    const item = async (): Promise<Record<string, unknown>> => {
      const res = await t.https().get('/graph/api/auth/keys').set('Authorization', ADMIN_AUTH);
      expect(res.status).toBe(200);
      return (res.body as Record<string, unknown>[]).find((k) => k.id === id)!;
    };
    expect(Object.keys(await item())).toEqual(['id', 'name', 'role', 'expiration']);
    // A Grafana route (no PMM path, so the key stays a plain key, not migrated).
    expect((await t.https().get('/graph/api/auth/key').set('Authorization', bearer(key))).status).toBe(200);
    const used = await item();
    expect(Object.keys(used)).toEqual(['id', 'name', 'role', 'expiration', 'lastUsedAt']);
    expect(Date.parse(used.lastUsedAt as string)).toBeGreaterThan(Date.now() - 60_000);
  });
});
