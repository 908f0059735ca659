/**
 * Go's net/http client as PMM's api-tests use it (admin credentials from the URL's user info as
 * Basic, "without auth" = no user info, no Content-Type unless the test sets one), their user
 * helpers, and the checks the 2.x and 3.x test files share (TestAuth, TestReadyz, TestVersion), for
 * pmm2.test.ts and pmm3.test.ts. Versions and line numbers: see pmm2.test.ts.
 */
import { expect, it } from 'vitest';
import { ADMIN_AUTH, basic, type InProcessTestMock, type TestResponse } from '../../testing/harness.ts';

export interface GoRequest {
  /** `Authorization` as the test sets it (user info → Basic; `Header.Set`); absent = none. */
  readonly auth?: string;
  readonly headers?: Readonly<Record<string, string>>;
  /** Sent as is, with no Content-Type unless `headers` has one. */
  readonly body?: string;
}

/** One request as Go's net/http client sends it. */
export function go(t: InProcessTestMock, method: string, path: string, r: GoRequest = {}): Promise<TestResponse> {
  let req = t.request(method, path);
  // Go trims a header value when it writes it: `Bearer ` goes out as `Bearer`.
  if (r.auth !== undefined) req = req.set('Authorization', r.auth.trim());
  for (const [k, v] of Object.entries(r.headers ?? {})) req = req.set(k, v);
  // A Fetch Request (in process) cannot carry a GET body; the one GET that has one goes over a socket below.
  return r.body === undefined || method === 'GET' ? req : req.send(Buffer.from(r.body));
}

/** Go's client following redirects (at most 10): `keepAuth` re-applies the credentials on each hop (A-3L l.133-141). */
export async function follow(
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

export const JSON_UTF8 = { 'Content-Type': 'application/json; charset=utf-8' };
export const ts = Math.floor(Date.now() / 1000);

/** The helpers of auth_test.go (A-2x l.385-523; A-3L l.242-313): users by the admin, password = login. */
export async function createUser(t: InProcessTestMock, login: string, role?: string): Promise<number> {
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

export async function deleteUser(t: InProcessTestMock, id: number): Promise<void> {
  // A-2x l.393-406: DELETE /graph/api/admin/users/<id>, require 200.
  expect((await go(t, 'DELETE', `/graph/api/admin/users/${id}`, { auth: ADMIN_AUTH })).status).toBe(200);
}

/** The shared checks of TestAuth (A-2x l.42-93; A-3L l.47-94). */
export function authErrorTests(get: () => InProcessTestMock, versionPath: string, file: string): void {
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
export function readyzTests(get: () => InProcessTestMock, paths: readonly string[], file: string): void {
  it.each(paths)(`TestReadyz (${file}): GET %s without credentials → 200 {}`, async (path) => {
    const res = await go(get(), 'GET', path);
    expect(res.status).toBe(200);
    expect(JSON.parse(res.text)).toEqual({});
    expect(res.text.replace(/\s/g, '')).toBe('{}');
  });
}

/** version_test.go (V-2x; V-3L l.34-92): as admin → 200 and the fields it checks. */
export function versionTests(
  get: () => InProcessTestMock,
  paths: readonly string[],
  major: string,
  file: string,
): void {
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
