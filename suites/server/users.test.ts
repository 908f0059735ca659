/**
 * Grafana users and org roles as PMM's own api-tests make them (pmm-auth §5: `POST
 * /graph/api/admin/users`, role by `PATCH /graph/api/org/users/:id`, a user with no role set is
 * the org's default, Viewer), on PMM 2.41 and PMM 3 alike: a new user works at once by Basic on
 * Grafana and through PMM's auth layer, its role governs the rule table (pmm-auth §2.1, pmm-auth §2.3),
 * only the server admin manages users (RBAC `users:*`, the access-control body of grafana-auth §1.1),
 * and Grafana's errors. Users are this run's (`pmmconf-<run>-…`, deleted after; suites/_support/users.ts).
 */
import { beforeAll, expect, inject } from 'vitest';
import { area, kase, targetAllows } from '../_support/case.ts';
import { createCredential, type Credential } from '../_support/credentials.ts';
import { eventually, expectAuthLayerError, expectGrafanaMessage, expectStatus } from '../_support/expect-http.ts';
import { adminAuth, basicAuth, bearer, send, type HttpResult } from '../_support/http.ts';
import { facts, PROFILES } from '../_support/profile.ts';
import type { Target } from '../_support/target.ts';
import { createUser, deleteUser, postUser, setOrgRole, USERS_API, type CreatedUser } from '../_support/users.ts';

const F = facts(inject('target'));
const BOTH = { profiles: PROFILES, needs: ['write'] as const };
const ADMIN_USERS =
  'grafana/grafana pkg/api/admin_users.go (AdminCreateUser, AdminDeleteUser, AdminUpdateUserPassword), pkg/api/api.go; percona/pmm api-tests/server/auth_test.go (createUser, setRole, deleteUser)';
const ORG_USERS =
  'grafana/grafana pkg/api/org_users.go (GetOrgUsersForCurrentOrg, updateOrgUserHelper), pkg/api/api.go';
/** pmm-auth §3.3: the settings endpoint (admin) of each release. */
const SETTINGS =
  inject('target').profile === 'pmm3'
    ? { method: 'GET', path: '/v1/server/settings' }
    : { method: 'POST', path: '/v1/Settings/Get', body: '{}', headers: { 'Content-Type': 'application/json' } };

let plain: CreatedUser | undefined;
let adminKey: Credential | undefined;

const settingsAs = (t: Target, headers: Record<string, string>): Promise<HttpResult> =>
  send(t, { ...SETTINGS, headers: { ...(SETTINGS.headers ?? {}), ...headers } });

area('users: Grafana users and org roles', () => {
  beforeAll(async () => {
    const t = inject('target');
    if (!targetAllows(t, ['write'])) return;
    plain = await createUser(t, 'user-default');
    adminKey = await createCredential(t, 'users-admin-key', 'Admin');
  });

  kase(
    {
      id: 'srv.users.001',
      level: 'MUST',
      sends: "POST /graph/api/admin/users {name,email,login,password} as the server admin, as PMM's api-tests do",
      expects: '200 {"id":<number>,…,"message":"User created"}',
      ref: 'pmm-auth §5',
      source: ADMIN_USERS,
      ...BOTH,
    },
    async (t) => {
      const login = `${t.runId}-created`;
      const res = await postUser(t, {
        name: login,
        email: `${login}@percona.invalid`,
        login: `pmmconf-${login}`,
        password: `pw-${login}`,
      });
      expectStatus(res, 200, '200 {"id":…,"message":"User created"}');
      const body = res.json<{ id?: unknown; message?: unknown }>();
      expect(typeof body.id, `a numeric id; got ${res.text}`).toBe('number');
      expect(body.message).toBe('User created');
    },
  );

  kase(
    {
      id: 'srv.users.002',
      level: 'MUST',
      sends: `GET /graph/api/user/orgs, GET ${F.versionPath} and ${SETTINGS.method} ${SETTINGS.path} as a new user with no role set (Basic)`,
      expects:
        'org 1 role Viewer (the default role); 200 from the viewer rule; 401 code 7 "Access denied." from the admin rule',
      ref: 'pmm-auth §5',
      source: `${ADMIN_USERS}; grafana/grafana conf/defaults.ini (auto_assign_org_role = Viewer); percona/pmm managed/services/grafana/auth_server.go`,
      ...BOTH,
    },
    async (t) => {
      const orgs = await send(t, { path: '/graph/api/user/orgs', headers: plain!.auth });
      expectStatus(orgs, 200, "200 with the user's orgs");
      const role = orgs.json<{ orgId: number; role: string }[]>().find((o) => o.orgId === 1)?.role;
      expect(role, `the org-1 role of a new user; got ${orgs.text}`).toBe('Viewer');
      expectStatus(
        await send(t, { path: F.versionPath, headers: plain!.auth }),
        200,
        `200 from ${F.versionPath} (viewer)`,
      );
      expectAuthLayerError(await settingsAs(t, plain!.auth), 7, 'Access denied.');
    },
  );

  kase(
    {
      id: 'srv.users.003',
      level: 'MUST',
      sends: `PATCH /graph/api/org/users/<id> {"role":"Admin"} as the server admin, then ${SETTINGS.method} ${SETTINGS.path} as that user`,
      expects:
        '200 {"message":"Organization user updated"}; then 200 from the admin rule (PMM\'s auth cache may hold the old role 3–6 s)',
      ref: 'pmm-auth §5; pmm-auth §2.4',
      source: ORG_USERS,
      ...BOTH,
    },
    async (t) => {
      const u = await createUser(t, 'user-promoted');
      expectStatus(await settingsAs(t, u.auth), 401, '401 before the role change');
      const res = await setOrgRole(t, u.id, 'Admin');
      expectStatus(res, 200, '200 {"message":"Organization user updated"}');
      expect(res.json<{ message: string }>().message).toBe('Organization user updated');
      const after = await eventually(
        () => settingsAs(t, u.auth),
        (r) => r.status === 200,
        t.pollSeconds,
      );
      expectStatus(after, 200, `200 from ${SETTINGS.path} within ${t.pollSeconds} s of the role change`);
    },
  );

  kase(
    {
      id: 'srv.users.004',
      level: 'MUST',
      sends:
        'GET /graph/api/users/lookup?loginOrEmail=<login>, then ?loginOrEmail=<an unknown login>, as the server admin',
      expects: '200 with the user\'s id and login; 404 {"message":"user not found"}',
      ref: 'pmm-auth §5',
      source: 'grafana/grafana pkg/api/users.go (GetUserByLoginOrEmail)',
      ...BOTH,
    },
    async (t) => {
      const found = await send(t, {
        path: `/graph/api/users/lookup?loginOrEmail=${encodeURIComponent(plain!.login)}`,
        headers: adminAuth(t),
      });
      expectStatus(found, 200, '200 with the user profile');
      expect(found.json()).toMatchObject({ id: plain!.id, login: plain!.login });
      const missing = await send(t, {
        path: `/graph/api/users/lookup?loginOrEmail=${t.runId}-nobody`,
        headers: adminAuth(t),
      });
      expectGrafanaMessage(missing, 404, 'user not found');
    },
  );

  kase(
    {
      id: 'srv.users.005',
      level: 'MUST',
      sends: 'GET /graph/api/org/users as the server admin',
      expects: 'a JSON array that lists the new user: orgId 1, userId, login, email, role Viewer',
      ref: 'pmm-auth §5',
      source: ORG_USERS,
      ...BOTH,
    },
    async (t) => {
      const res = await send(t, { path: '/graph/api/org/users', headers: adminAuth(t) });
      expectStatus(res, 200, "200 with the org's users");
      const item = res.json<Record<string, unknown>[]>().find((u) => u.login === plain!.login);
      expect(item, `the user ${plain!.login} in the list`).toMatchObject({
        orgId: 1,
        userId: plain!.id,
        email: `${plain!.login}@percona.invalid`,
        role: 'Viewer',
      });
    },
  );

  kase(
    {
      id: 'srv.users.006',
      level: 'MUST',
      sends: 'POST /graph/api/admin/users with the login of an existing user',
      expects: "412 \"User with email '<email>' or username '<login>' already exists\"",
      ref: 'pmm-auth §5',
      source: ADMIN_USERS,
      ...BOTH,
    },
    async (t) => {
      const email = `${t.runId}-other@percona.invalid`;
      const res = await postUser(t, { name: 'x', email, login: plain!.login, password: 'a-long-password' });
      expectGrafanaMessage(res, 412, `User with email '${email}' or username '${plain!.login}' already exists`);
    },
  );

  kase(
    {
      id: 'srv.users.007',
      level: 'MUST',
      sends: `POST /graph/api/admin/users with Bearer <Admin ${F.credential}>, and GET /graph/api/users/lookup with it`,
      expects:
        '403 {"accessErrorId":"ACE…","message":"You\'ll need additional permissions to perform this action. Permissions needed: users:create","title":"Access denied"} (users:read for the lookup): users are the server admin\'s',
      ref: 'grafana-auth §1.1; pmm-auth §5',
      source:
        'grafana/grafana pkg/api/api.go (users:create, users:read), pkg/services/accesscontrol/middleware.go (deny)',
      ...BOTH,
    },
    async (t) => {
      const who = bearer(adminKey!.key);
      const login = `pmmconf-${t.runId}-by-key`;
      const made = await postUser(
        t,
        { name: login, email: `${login}@percona.invalid`, login, password: 'a-long-password' },
        who,
      );
      const lookup = await send(t, { path: `/graph/api/users/lookup?loginOrEmail=${plain!.login}`, headers: who });
      for (const [res, action] of [
        [made, 'users:create'],
        [lookup, 'users:read'],
      ] as const) {
        expectStatus(res, 403, `403 naming ${action}`);
        const body = res.json<Record<string, unknown>>();
        expect(body.accessErrorId, res.text).toMatch(/^ACE\d{10}$/);
        expect(body.message).toBe(
          `You'll need additional permissions to perform this action. Permissions needed: ${action}`,
        );
        expect(body.title).toBe('Access denied');
      }
    },
  );

  kase(
    {
      id: 'srv.users.008',
      level: 'MUST',
      sends:
        'POST /graph/api/admin/users without Content-Type; DELETE /graph/api/admin/users/abc; DELETE /graph/api/admin/users/<an unused id>',
      expects: '400 "bad request data"; 400 "id is invalid"; 404 "user not found" — never a 5xx',
      ref: 'grafana-auth §1.2; pmm-auth §5',
      source: ADMIN_USERS,
      ...BOTH,
    },
    async (t) => {
      const untyped = await send(t, {
        method: 'POST',
        path: USERS_API,
        headers: adminAuth(t),
        body: JSON.stringify({ login: `pmmconf-${t.runId}-untyped`, password: 'a-long-password' }),
      });
      expectGrafanaMessage(untyped, 400, 'bad request data');
      expectGrafanaMessage(
        await send(t, { method: 'DELETE', path: `${USERS_API}/abc`, headers: adminAuth(t) }),
        400,
        'id is invalid',
      );
      // An id far past any real one: Grafana's ids are a sequence.
      const unused = await send(t, { method: 'DELETE', path: `${USERS_API}/987654321`, headers: adminAuth(t) });
      expectGrafanaMessage(unused, 404, 'user not found');
    },
  );

  kase(
    {
      id: 'srv.users.009',
      level: 'MUST',
      sends:
        'PUT /graph/api/admin/users/<id>/password {"password":…}, then GET /graph/api/user by Basic with the new and with the old password',
      expects: '200 {"message":"User password updated"}; the new password 200, the old one 401',
      ref: 'pmm-auth §5; grafana-auth §6.1',
      source: ADMIN_USERS,
      ...BOTH,
    },
    async (t) => {
      const u = await createUser(t, 'user-password');
      const password = `${u.password}-changed`;
      const res = await send(t, {
        method: 'PUT',
        path: `${USERS_API}/${u.id}/password`,
        headers: { ...adminAuth(t), 'Content-Type': 'application/json' },
        body: JSON.stringify({ password }),
      });
      expectStatus(res, 200, '200 {"message":"User password updated"}');
      expect(res.json<{ message: string }>().message).toBe('User password updated');
      expectStatus(
        await send(t, { path: '/graph/api/user', headers: basicAuth(u.login, password) }),
        200,
        '200 with the new password',
      );
      expectStatus(await send(t, { path: '/graph/api/user', headers: u.auth }), 401, '401 with the old password');
    },
  );

  kase(
    {
      id: 'srv.users.010',
      level: 'MUST',
      sends: 'DELETE /graph/api/admin/users/<id> as the server admin, then GET /graph/api/user as that user',
      expects: '200 {"message":"User deleted"}; then 401 (the login no longer exists)',
      ref: 'pmm-auth §5; grafana-auth §6.1',
      source: ADMIN_USERS,
      ...BOTH,
    },
    async (t) => {
      const u = await createUser(t, 'user-deleted');
      const res = await deleteUser(t, u.id, u.login);
      expectStatus(res, 200, '200 {"message":"User deleted"}');
      expect(res.json<{ message: string }>().message).toBe('User deleted');
      expectStatus(await send(t, { path: '/graph/api/user', headers: u.auth }), 401, '401 for the deleted user');
    },
  );
});
