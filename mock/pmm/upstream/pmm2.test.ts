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
import { pmm2 } from '../../profiles/pmm2.ts';
import {
  ADMIN_AUTH,
  basic,
  createKey,
  startInProcessMock,
  startTestMock,
  type InProcessTestMock,
} from '../../testing/harness.ts';
import {
  authErrorTests,
  createUser,
  deleteUser,
  follow,
  go,
  JSON_UTF8,
  readyzTests,
  ts,
  versionTests,
} from './go-client.ts';

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
