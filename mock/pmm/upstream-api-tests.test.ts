/**
 * PMM's own authentication api-tests, request by request, against the mock (issue 14; pmm-auth §5):
 * percona/pmm `api-tests/server/auth_test.go`, `readyz_test.go`, `version_test.go` as they are
 * upstream, each request named by its file and line, sent as Go's client sends it (admin
 * credentials from the URL's user info as Basic, "without auth" = no user info, no Content-Type
 * unless the test sets one) and checked with the test's own assertions.
 *
 * Versions (read by content from percona/pmm; the index shows no tag): **A-2x** `auth_test.go` of
 * the 2.41 era (index id 754025382) with `readyz_test.go` @275020b1 and the 2.x `version_test.go`
 * against `--profile pmm2`; **A-3L** `auth_test.go` @6ae2f30a (current 3.x) with the late
 * `readyz_test.go` and `version_test.go` @4322e927 against `--profile pmm3`. A-3L's TestSwagger
 * expects 401 without credentials, which is PMM-14021 (`--pmm-version 3.3.0`); on 3.0.0 the 2024
 * 3.x file (**A-3t** @01548a24, l.221) expects 200 — both are checked. A-3t's TestSetup asserts
 * the AWS setup wizard that PMM 3.0.0 no longer has (pmm-auth §2.5): only its API part
 * (`/v1/server/AWSInstance`, l.138 and l.167-188) is sent here.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withPmmVersion } from '../profiles/index.ts';
import { pmm2 } from '../profiles/pmm2.ts';
import { pmm3 } from '../profiles/pmm3.ts';
import type { Profile } from '../profiles/types.ts';
import {
  ADMIN_AUTH,
  basic,
  createKey,
  startInProcessMock,
  startTestMock,
  type InProcessTestMock,
  type TestResponse,
} from '../testing/harness.ts';

interface GoRequest {
  /** `Authorization` as the test sets it (user info → Basic; `Header.Set`); absent = none. */
  readonly auth?: string;
  readonly headers?: Readonly<Record<string, string>>;
  /** Sent as is, with no Content-Type unless `headers` has one. */
  readonly body?: string;
}

/** One request as Go's net/http client sends it. */
function go(t: InProcessTestMock, method: string, path: string, r: GoRequest = {}): Promise<TestResponse> {
  let req = t.request(method, path);
  // Go trims a header value when it writes it: `Bearer ` goes out as `Bearer`.
  if (r.auth !== undefined) req = req.set('Authorization', r.auth.trim());
  for (const [k, v] of Object.entries(r.headers ?? {})) req = req.set(k, v);
  // A Fetch Request (in process) cannot carry a GET body; the one GET that has one goes over a socket below.
  return r.body === undefined || method === 'GET' ? req : req.send(Buffer.from(r.body));
}

/** Go's client following redirects (at most 10): `keepAuth` re-applies the credentials on each hop (A-3L l.133-141). */
async function follow(
  t: InProcessTestMock,
  path: string,
  auth: string | undefined,
  keepAuth: boolean,
): Promise<TestResponse> {
  let res = await go(t, 'GET', path, auth === undefined ? {} : { auth });
  for (let hops = 0; hops < 10 && res.status >= 300 && res.status < 400 && res.headers.location; hops++) {
    const next = new URL(res.headers.location, 'https://pmm.invalid');
    res = await go(t, 'GET', next.pathname + next.search, keepAuth && auth !== undefined ? { auth } : {});
  }
  return res;
}

const JSON_UTF8 = { 'Content-Type': 'application/json; charset=utf-8' };
const ts = Math.floor(Date.now() / 1000);

/** The helpers of auth_test.go (A-2x l.385-523; A-3L l.242-313): users by the admin, password = login. */
async function createUser(t: InProcessTestMock, login: string, role?: string): Promise<number> {
  // A-2x l.408-437: POST /graph/api/admin/users, require 200, read m["id"].
  const res = await go(t, 'POST', '/graph/api/admin/users', {
    auth: ADMIN_AUTH,
    headers: JSON_UTF8,
    body: JSON.stringify({ email: `${login}@percona.invalid`, login, name: login, password: login }),
  });
  expect(res.status, res.text).toBe(200);
  const id = res.body.id as number;
  if (role) {
    // A-2x l.439-459: PATCH /graph/api/org/users/<id> {"role":…}, require 200.
    const set = await go(t, 'PATCH', `/graph/api/org/users/${id}`, {
      auth: ADMIN_AUTH,
      headers: JSON_UTF8,
      body: JSON.stringify({ role }),
    });
    expect(set.status, set.text).toBe(200);
  }
  return id;
}

async function deleteUser(t: InProcessTestMock, id: number): Promise<void> {
  // A-2x l.393-406: DELETE /graph/api/admin/users/<id>, require 200.
  expect((await go(t, 'DELETE', `/graph/api/admin/users/${id}`, { auth: ADMIN_AUTH })).status).toBe(200);
}

/** The shared checks of TestAuth (A-2x l.42-93; A-3L l.47-94). */
function authErrorTests(get: () => InProcessTestMock, versionPath: string, file: string): void {
  it.each([
    ['no credentials', undefined],
    ['bad:wrong', basic('bad', 'wrong')],
  ])(`TestAuth/AuthErrors (${file}): GET ${versionPath} with %s → 401, no <html> in the dump`, async (_l, auth) => {
    const res = await go(get(), 'GET', versionPath, auth === undefined ? {} : { auth });
    expect(res.status).toBe(401);
    const dump =
      Object.entries(res.headers)
        .map(([k, v]) => `${k}: ${v}`)
        .join('\r\n') + res.text;
    expect(dump).not.toContain('<html>');
  });

  it.each([
    [16, 401, 'gRPC code 16 (Unauthenticated)'],
    [7, 403, 'gRPC code 7 (PermissionDenied)'],
  ])(
    `TestAuth/NormalErrors (${file}): GET ${versionPath}?dummy=grpccode-%i as admin → %i, JSON code and message`,
    async (code, status, message) => {
      const res = await go(get(), 'GET', `${versionPath}?dummy=grpccode-${code}`, {
        auth: ADMIN_AUTH,
        headers: { Accept: 'application/json' },
      });
      expect(res.status).toBe(status);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(res.body.code).toBe(code);
      expect(res.body.message).toContain(message);
    },
  );
}

/** readyz_test.go (R-2x l.30-63; R-3L l.37-73): no credentials → 200, body exactly `{}`. */
function readyzTests(get: () => InProcessTestMock, paths: readonly string[], file: string): void {
  it.each(paths)(`TestReadyz (${file}): GET %s without credentials → 200 {}`, async (path) => {
    const res = await go(get(), 'GET', path);
    expect(res.status).toBe(200);
    expect(JSON.parse(res.text)).toEqual({});
    expect(res.text.replace(/\s/g, '')).toBe('{}');
  });
}

/** version_test.go (V-2x; V-3L l.34-92): as admin → 200 and the fields it checks. */
function versionTests(get: () => InProcessTestMock, paths: readonly string[], major: string, file: string): void {
  const notOnTheHour = (ts: string): boolean => !/T\d\d:00:00/.test(ts);
  it.each(paths)(
    `TestVersion (${file}): GET %s as admin → 200, version ${major}*, managed and server filled`,
    async (path) => {
      const res = await go(get(), 'GET', path, { auth: ADMIN_AUTH });
      expect(res.status).toBe(200);
      const v = res.body;
      expect(v.version.startsWith(major)).toBe(true);
      expect(v.managed.version.startsWith(major)).toBe(true);
      expect(v.managed.full_version).not.toBe('');
      expect(notOnTheHour(v.managed.timestamp)).toBe(true);
      expect(v.server.version.startsWith(v.version)).toBe(true);
      expect(v.server.full_version).not.toBe('');
      expect(notOnTheHour(v.server.timestamp)).toBe(true);
    },
  );
}

describe('PMM 2.41 api-tests (A-2x) against --profile pmm2', () => {
  let t: InProcessTestMock;
  beforeAll(async () => {
    t = await startInProcessMock({ profile: pmm2 });
  });
  afterAll(() => t.close());
  const get = () => t;

  authErrorTests(get, '/v1/version', 'auth_test.go l.57, l.85');
  readyzTests(get, ['/ping', '/v1/readyz'], 'readyz_test.go l.33-34');
  versionTests(get, ['/managed/v1/version', '/v1/version'], '2.', 'version_test.go');

  // TestSetup (A-2x l.96-187): no credentials, X-Test-Must-Setup: 1, redirects not followed.
  const SETUP = { 'X-Test-Must-Setup': '1' };
  it('TestSetup/WebPage (l.110-126): GET /setup → 200, body starts with <!doctype html>', async () => {
    const res = await go(t, 'GET', '/setup', { headers: SETUP });
    expect(res.status).toBe(200);
    expect(res.text.startsWith('<!doctype html>')).toBe(true);
  });
  it.each([
    ['/graph', 303],
    ['/graph/', 303],
    ['/prometheus', 303],
    ['/prometheus/', 303],
    ['/swagger', 200],
    ['/swagger/', 301],
    ['/v1/readyz', 200],
    ['/v1/AWSInstanceCheck', 501],
    ['/v1/version', 401],
  ])('TestSetup/Redirect (l.130-161): GET %s → %i (303: Location /setup)', async (path, status) => {
    const res = await go(t, 'GET', path, { headers: SETUP });
    expect(res.status).toBe(status);
    if (status === 303) expect(res.headers.location).toBe('/setup');
  });
  it('TestSetup/API (l.166-186): POST /v1/AWSInstanceCheck {"instance_id":"123"} (no Content-Type) → 200, body exactly {}', async () => {
    const res = await go(t, 'POST', '/v1/AWSInstanceCheck', {
      headers: SETUP,
      body: JSON.stringify({ instance_id: '123' }),
    });
    expect(res.status).toBe(200);
    expect(res.text).toBe('{}');
  });

  it.each(['/swagger', '/swagger/', '/swagger.json', '/swagger/swagger.json'])(
    'TestSwagger (l.189-241): GET %s, redirects followed, without and with admin credentials → 200',
    async (path) => {
      expect((await follow(t, path, undefined, false)).status).toBe(200);
      expect((await follow(t, path, ADMIN_AUTH, false)).status).toBe(200);
    },
  );

  it('TestPermissions (l.243-370): users none/viewer/editor/admin, keys api-viewer/editor/admin; three requests, three ways', async () => {
    const users = {
      default: await createUser(t, `none-${ts}`),
      viewer: await createUser(t, `viewer-${ts}`, 'Viewer'),
      editor: await createUser(t, `editor-${ts}`, 'Editor'),
      admin: await createUser(t, `admin-${ts}`, 'Admin'),
    };
    const logins = { default: `none-${ts}`, viewer: `viewer-${ts}`, editor: `editor-${ts}`, admin: `admin-${ts}` };
    const keys: Record<string, { id: number; key: string }> = {};
    for (const role of ['Viewer', 'Editor', 'Admin']) {
      // createAPIKeyWithRole (l.477-523): POST /graph/api/auth/keys, require 200, read key;
      // then GET /graph/api/auth/key with Bearer and the same JSON body, require 200, read id.
      const body = JSON.stringify({ name: `api-${role.toLowerCase()}-${ts}`, role });
      const made = await go(t, 'POST', '/graph/api/auth/keys', { auth: ADMIN_AUTH, headers: JSON_UTF8, body });
      expect(made.status, made.text).toBe(200);
      const key = made.body.key as string;
      const current = await go(t, 'GET', '/graph/api/auth/key', { auth: `Bearer ${key}`, body });
      expect(current.status, current.text).toBe(200);
      keys[role.toLowerCase()] = { id: current.body.id as number, key };
    }
    const table: [string, string, Record<keyof typeof users, number>][] = [
      ['POST', '/v1/Settings/Get', { default: 401, viewer: 401, editor: 401, admin: 200 }], // l.284
      ['GET', '/alertmanager/api/v2/alerts', { default: 401, viewer: 401, editor: 401, admin: 200 }], // l.290
      ['POST', '/v1/Platform/Connect', { default: 401, viewer: 401, editor: 401, admin: 400 }], // l.296
    ];
    const seen: string[] = [];
    const want: string[] = [];
    for (const [method, path, expected] of table) {
      for (const who of Object.keys(users) as (keyof typeof users)[]) {
        const ways: [string, string][] = [['Basic auth', basic(logins[who], logins[who])]]; // l.309-324
        const key = keys[who]?.key;
        // l.326-366: the key variants are skipped for "default" ("API Key is not exist").
        if (key) ways.push(['API Key auth', `Bearer ${key}`], ['API Key Basic auth', basic('api_key', key)]);
        for (const [way, auth] of ways) {
          const res = await go(t, method, path, { auth });
          seen.push(`${way} ${who} ${method} ${path} → ${res.status}`);
          want.push(`${way} ${who} ${method} ${path} → ${expected[who]}`);
        }
      }
    }
    expect(seen).toEqual(want);
    // Deferred clean-up: keys (l.461-475, require 200), then users (require 200).
    for (const { id } of Object.values(keys))
      expect((await go(t, 'DELETE', `/graph/api/auth/keys/${id}`, { auth: ADMIN_AUTH })).status).toBe(200);
    for (const id of Object.values(users)) await deleteUser(t, id);
  });
});

describe('A-2x createAPIKeyWithRole (l.505-520) over a socket: GET /graph/api/auth/key with a JSON body', () => {
  it("answers 200 with the key's id (the body is ignored)", async () => {
    const t = await startTestMock({ profile: pmm2 });
    try {
      const { key, id } = await createKey(t, `api-viewer-${ts}`, 'Viewer');
      const res = await t
        .https()
        .get('/graph/api/auth/key')
        .set('Authorization', `Bearer ${key}`)
        .send(JSON.stringify({ name: `api-viewer-${ts}`, role: 'Viewer' }));
      expect([res.status, res.body.id]).toEqual([200, id]);
    } finally {
      await t.close();
    }
  });
});

/** A-3L's run against one pmm3 mock; `swaggerNoAuth` is what TestSwagger without credentials gets there. */
function pmm3Suite(title: string, profile: Profile, swaggerNoAuth: { status: number; source: string }): void {
  describe(title, () => {
    let t: InProcessTestMock;
    beforeAll(async () => {
      t = await startInProcessMock({ profile });
    });
    afterAll(() => t.close());
    const get = () => t;

    authErrorTests(get, '/v1/server/version', 'auth_test.go l.47-94');
    readyzTests(get, ['/ping', '/v1/server/readyz'], 'readyz_test.go l.37-38');
    versionTests(get, ['/v1/server/version'], '3.', 'version_test.go l.37');

    it.each(['/swagger', '/swagger/', '/swagger.json', '/swagger/swagger.json'])(
      `TestSwagger: GET %s without credentials (redirects followed) → ${swaggerNoAuth.status} (${swaggerNoAuth.source}); with admin, credentials kept on redirects → 200 (A-3L l.133-154)`,
      async (path) => {
        expect((await follow(t, path, undefined, false)).status).toBe(swaggerNoAuth.status);
        expect((await follow(t, path, ADMIN_AUTH, true)).status).toBe(200);
      },
    );

    it('A-3t TestSetup/API (l.138, l.167-188): GET /v1/server/AWSInstance → 400; ?instance_id=123 → 200, body exactly {}', async () => {
      expect((await go(t, 'GET', '/v1/server/AWSInstance')).status).toBe(400);
      const res = await go(t, 'GET', '/v1/server/AWSInstance?instance_id=123');
      expect([res.status, res.text]).toEqual([200, '{}']);
    });

    it('TestBasicAuthPermissions (l.173-240): users default/viewer/editor/admin, Basic login:login', async () => {
      const made = {
        default: await createUser(t, `none-${ts}`),
        viewer: await createUser(t, `viewer-${ts}`, 'Viewer'),
        editor: await createUser(t, `editor-${ts}`, 'Editor'),
        admin: await createUser(t, `admin-${ts}`, 'Admin'),
      };
      const logins = { default: `none-${ts}`, viewer: `viewer-${ts}`, editor: `editor-${ts}`, admin: `admin-${ts}` };
      const seen: string[] = [];
      const want: string[] = [];
      for (const [method, path, admin] of [
        ['GET', '/v1/server/settings', 200], // l.204
        ['POST', '/v1/platform:connect', 400], // l.210
      ] as const) {
        for (const who of Object.keys(made) as (keyof typeof made)[]) {
          const res = await go(t, method, path, { auth: basic(logins[who], logins[who]) });
          seen.push(`${who} ${method} ${path} → ${res.status}`);
          want.push(`${who} ${method} ${path} → ${who === 'admin' ? admin : 401}`);
        }
      }
      expect(seen).toEqual(want);
      for (const id of Object.values(made)) await deleteUser(t, id);
    });

    it('TestServiceAccountPermissions (l.315-407): accounts with 256-character random names, tokens as Bearer and service_token:', async () => {
      const node = 'N'.repeat(100) + 'x_-'.repeat(52); // stringsgen: 256 URL-safe characters
      expect(node).toHaveLength(256);
      const tokens: Record<string, { sa: number; id: number; key: string }> = {};
      for (const role of ['Viewer', 'Editor', 'Admin']) {
        const suffix = `${node}-${role.toLowerCase()}`;
        // createServiceAccountWithRole (l.409-451): POST → require 201, read id; PATCH {"orgId":"1"} (status not checked).
        const sa = await go(t, 'POST', '/graph/api/serviceaccounts', {
          auth: ADMIN_AUTH,
          headers: JSON_UTF8,
          body: JSON.stringify({ name: `pmm-agent-service-account-${suffix}`, role }),
        });
        expect(sa.status, sa.text).toBe(201);
        await go(t, 'PATCH', `/graph/api/serviceaccounts/${sa.body.id}`, {
          auth: ADMIN_AUTH,
          headers: JSON_UTF8,
          body: JSON.stringify({ orgId: '1' }),
        });
        // createServiceToken: POST …/tokens → require 200, read id and key.
        const tok = await go(t, 'POST', `/graph/api/serviceaccounts/${sa.body.id}/tokens`, {
          auth: ADMIN_AUTH,
          headers: JSON_UTF8,
          body: JSON.stringify({ name: `pmm-agent-service-token-${suffix}` }),
        });
        expect(tok.status, tok.text).toBe(200);
        tokens[role.toLowerCase()] = {
          sa: sa.body.id as number,
          id: tok.body.id as number,
          key: tok.body.key as string,
        };
      }
      const seen: string[] = [];
      const want: string[] = [];
      for (const [method, path, admin] of [
        ['GET', '/v1/server/settings', 200], // l.353
        ['POST', '/v1/platform:connect', 400], // l.359
      ] as const) {
        for (const who of ['default', 'viewer', 'editor', 'admin']) {
          const key = tokens[who]?.key ?? ''; // "default" = an empty token
          for (const [way, auth] of [
            ['Service Token auth', `Bearer ${key}`], // l.370-387
            ['Basic auth with Service Token', basic('service_token', key)], // l.389-403
          ]) {
            const res = await go(t, method, path, { auth: auth! });
            seen.push(`${way} ${who} ${method} ${path} → ${res.status}`);
            want.push(`${way} ${who} ${method} ${path} → ${who === 'admin' ? admin : 401}`);
          }
        }
      }
      expect(seen).toEqual(want);
      // Deferred: token first, then its account; each require 200.
      for (const { sa, id } of Object.values(tokens)) {
        expect(
          (await go(t, 'DELETE', `/graph/api/serviceaccounts/${sa}/tokens/${id}`, { auth: ADMIN_AUTH })).status,
        ).toBe(200);
        expect((await go(t, 'DELETE', `/graph/api/serviceaccounts/${sa}`, { auth: ADMIN_AUTH })).status).toBe(200);
      }
    });
  });
}

pmm3Suite('PMM 3 api-tests (A-3L) against --profile pmm3 (3.0.0)', pmm3, {
  status: 200,
  source: 'A-3t l.221: 3.0.0 serves /swagger without auth',
});
pmm3Suite('PMM 3 api-tests (A-3L) against --profile pmm3 --pmm-version 3.3.0', withPmmVersion(pmm3, '3.3.0')!, {
  status: 401,
  source: 'A-3L l.126, PMM-14021',
});
