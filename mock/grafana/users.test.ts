/**
 * Grafana users and org roles (mock/grafana/users.ts, mock/profiles/users.ts) through the app in
 * process, on both profiles: who may call, Grafana's errors, the answers' shapes, and that a new
 * user is a real user at once — Basic auth on /graph/api and through PMM's auth layer, journaled,
 * locked out after failed logins (pmm-auth §5, grafana-auth §1.1, grafana-auth §1.2, grafana-auth §6.1).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pmm2 } from '../profiles/pmm2.ts';
import { pmm3 } from '../profiles/pmm3.ts';
import { ADMIN_AUTH, basic, bearer, seedKey, startInProcessMock, type InProcessTestMock } from '../testing/harness.ts';

const JSON_TYPE = 'application/json; charset=utf-8';
const ACE = /^ACE\d{10}$/;
const ORG_ADMIN = basic('orgadmin', 'orgadmin-pw');
const VIEWER = basic('viewer', 'viewer-pw');

describe.each([
  {
    profile: pmm2,
    shortPassword: 'abc',
    okPassword: 'abcd',
    tooShort: { message: 'Password is missing or too short' },
  },
  {
    profile: pmm3,
    shortPassword: 'abcd',
    okPassword: 'abcde',
    tooShort: {
      message: 'New password is too short',
      messageId: 'password-policy-too-short',
      statusCode: 400,
      traceID: '',
    },
  },
])('users and org roles, $profile.name', ({ profile, shortPassword, okPassword, tooShort }) => {
  let t: InProcessTestMock;
  let seq = 0;
  beforeAll(async () => {
    t = await startInProcessMock({ profile });
  });
  afterAll(() => t.close());

  const settings = profile.name === 'pmm2' ? ['POST', '/v1/Settings/Get'] : ['GET', '/v1/server/settings'];
  const versionPath = profile.name === 'pmm2' ? '/v1/version' : '/v1/server/version';

  function post(path: string, body: unknown, auth = ADMIN_AUTH, contentType = JSON_TYPE) {
    return t
      .https()
      .post(path)
      .set('Authorization', auth)
      .set('Content-Type', contentType)
      .send(typeof body === 'string' ? body : JSON.stringify(body));
  }

  /** Creates `login` (password = login, as PMM's api-tests do) and returns its id. */
  async function create(label: string): Promise<{ id: number; login: string; auth: string }> {
    const login = `${label}-user-${++seq}`;
    const res = await post('/graph/api/admin/users', {
      name: login,
      email: `${login}@percona.invalid`,
      login,
      password: login,
    });
    expect(res.status, res.text).toBe(200);
    return { id: res.body.id as number, login, auth: basic(login, login) };
  }

  const patchRole = (id: number | string, body: unknown, auth = ADMIN_AUTH) =>
    t
      .https()
      .patch(`/graph/api/org/users/${id}`)
      .set('Authorization', auth)
      .set('Content-Type', JSON_TYPE)
      .send(typeof body === 'string' ? body : JSON.stringify(body));

  it('pmm-auth §5: POST /admin/users → 200 {id, message} (11.1 also a uid); the user is Viewer and usable at once', async () => {
    const login = `fresh-${++seq}`;
    const res = await post('/graph/api/admin/users', {
      name: 'Fresh',
      email: `${login}@percona.invalid`,
      login,
      password: login,
    });
    expect(res.status).toBe(200);
    expect(Object.keys(res.body)).toEqual(profile.users.createAnswerUid ? ['id', 'uid', 'message'] : ['id', 'message']);
    expect(res.body.message).toBe('User created');
    const auth = basic(login, login);
    const orgs = await t.https().get('/graph/api/user/orgs').set('Authorization', auth);
    expect(orgs.body).toEqual([{ orgId: 1, name: 'Main Org.', role: 'Viewer' }]);
    // pmm-auth §5: the "default" user passes viewer rules and is refused admin ones (401 code 7).
    expect((await t.https().get(versionPath).set('Authorization', auth)).status).toBe(200);
    const denied = await t.https()[settings[0] === 'POST' ? 'post' : 'get'](settings[1]!).set('Authorization', auth);
    expect(denied.status).toBe(401);
    expect(denied.body.code).toBe(7);
    const me = await t.https().get('/graph/api/user').set('Authorization', auth);
    expect(me.body).toMatchObject({
      id: res.body.id,
      login,
      email: `${login}@percona.invalid`,
      name: 'Fresh',
      isGrafanaAdmin: false,
    });
  });

  it('pmm-auth §5: PATCH /org/users/:id {role} changes what the PMM auth layer lets through', async () => {
    const u = await create('promoted');
    const res = await patchRole(u.id, { role: 'Admin' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ message: 'Organization user updated' });
    const allowed = await t.https()[settings[0] === 'POST' ? 'post' : 'get'](settings[1]!).set('Authorization', u.auth);
    expect(allowed.status).toBe(200);
  });

  it('a new user is journaled like a --user user, and Grafana locks it out after 5 failed logins (grafana-auth §6.1)', async () => {
    const u = await create('locked');
    const since = t.mock.journal.lastSeq;
    await t.https().get(versionPath).set('Authorization', u.auth);
    const [entry] = t.mock.journal.list(since);
    expect(entry!.credential).toEqual({ kind: 'basic-user', login: u.login });
    for (let i = 0; i < 5; i++) await t.https().get('/graph/api/user').set('Authorization', basic(u.login, 'wrong'));
    const after = await t.https().get('/graph/api/user').set('Authorization', u.auth);
    expect(after.status).toBe(401);
    expect(t.mock.journal.list(since).at(-1)!.failure).toBe('locked out');
  });

  it('PUT /admin/users/:id/password: the new password works, the old one no longer', async () => {
    const u = await create('pw');
    const res = await t
      .https()
      .put(`/graph/api/admin/users/${u.id}/password`)
      .set('Authorization', ADMIN_AUTH)
      .set('Content-Type', JSON_TYPE)
      .send(JSON.stringify({ password: 'a-new-password' }));
    expect(res.body).toEqual({ message: 'User password updated' });
    expect((await t.https().get('/graph/api/user').set('Authorization', u.auth)).status).toBe(401);
    expect((await t.https().get('/graph/api/user').set('Authorization', basic(u.login, 'a-new-password'))).status).toBe(
      200,
    );
  });

  it('DELETE /admin/users/:id → 200 "User deleted"; the login is then refused; again → 404 "user not found"', async () => {
    const u = await create('gone');
    const del = () => t.https().delete(`/graph/api/admin/users/${u.id}`).set('Authorization', ADMIN_AUTH);
    expect((await del()).body).toEqual({ message: 'User deleted' });
    expect((await t.https().get('/graph/api/user').set('Authorization', u.auth)).status).toBe(401);
    const again = await del();
    expect([again.status, again.body]).toEqual([404, { message: 'user not found' }]);
  });

  it('GET /users/lookup finds by login and by email; unknown or empty → 404 "user not found"', async () => {
    const u = await create('findme');
    const look = (q: string) => t.https().get(`/graph/api/users/lookup${q}`).set('Authorization', ADMIN_AUTH);
    const byLogin = await look(`?loginOrEmail=${u.login}`);
    expect(byLogin.status).toBe(200);
    expect(byLogin.body).toMatchObject({
      id: u.id,
      login: u.login,
      isGrafanaAdmin: false,
      authLabels: null,
      avatarUrl: '',
    });
    expect('isExternallySynced' in byLogin.body).toBe(profile.users.lookupExternallySynced);
    expect((await look(`?loginOrEmail=${u.login}%40percona.invalid`)).body.id).toBe(u.id);
    for (const q of ['?loginOrEmail=nobody', '?loginOrEmail=', ''])
      expect((await look(q)).body).toEqual({ message: 'user not found' });
  });

  it("GET /org/users lists the users (not service accounts) with Grafana's fields, by email", async () => {
    const u = await create('listed');
    const res = await t.https().get('/graph/api/org/users').set('Authorization', ORG_ADMIN);
    expect(res.status).toBe(200);
    const item = (res.body as { login: string }[]).find((i) => i.login === u.login);
    const fields = [
      'orgId',
      'userId',
      'email',
      'name',
      'avatarUrl',
      'login',
      'role',
      'lastSeenAt',
      'lastSeenAtAge',
      'isDisabled',
    ];
    expect(Object.keys(item!)).toEqual(
      profile.users.orgUserExtraFields ? [...fields, 'authLabels', 'isExternallySynced'] : fields,
    );
    expect(item).toMatchObject({ orgId: 1, userId: u.id, role: 'Viewer', lastSeenAtAge: '10 years' });
    const emails = (res.body as { email: string }[]).map((i) => i.email);
    expect(emails).toEqual([...emails].sort());
    expect((res.body as { login: string }[]).every((i) => !i.login.startsWith('sa-'))).toBe(true);
  });

  it.each([
    ['POST', '/graph/api/admin/users', 'users:create'],
    ['DELETE', '/graph/api/admin/users/2', 'users:delete'],
    ['PUT', '/graph/api/admin/users/2/password', 'users.password:update'],
    ['GET', '/graph/api/users/lookup?loginOrEmail=viewer', 'users:read'],
  ])(
    'grafana-auth §1.1: %s %s needs the server admin — an org Admin user and an Admin key get 403 naming %s',
    async (method, path, action) => {
      for (const auth of [ORG_ADMIN, bearer(seedKey(t, 'admin'))]) {
        const req = t.https()[method.toLowerCase() as 'post'](path).set('Authorization', auth);
        const res = await (method === 'GET' || method === 'DELETE'
          ? req
          : req.set('Content-Type', JSON_TYPE).send('{}'));
        expect(res.status).toBe(403);
        expect(res.body).toEqual({
          accessErrorId: expect.stringMatching(ACE),
          message: `You'll need additional permissions to perform this action. Permissions needed: ${action}`,
          title: 'Access denied',
        });
      }
      expect((await t.https().get('/graph/api/users/lookup?loginOrEmail=viewer')).status).toBe(401);
    },
  );

  it('grafana-auth §1.1: /org/users needs an org Admin: a Viewer gets 403 org.users:read / org.users:write; an Admin key may', async () => {
    const list = await t.https().get('/graph/api/org/users').set('Authorization', VIEWER);
    expect([list.status, list.body.message]).toEqual([
      403,
      "You'll need additional permissions to perform this action. Permissions needed: org.users:read",
    ]);
    expect((await patchRole(2, { role: 'Viewer' }, VIEWER)).body.message).toMatch(/org\.users:write$/);
    expect(
      (
        await t
          .https()
          .get('/graph/api/org/users')
          .set('Authorization', bearer(seedKey(t, 'admin')))
      ).status,
    ).toBe(200);
  });

  it.each([
    ['no Content-Type', '{"login":"x","password":"xxxxx"}', ''],
    ['not JSON', '{"login":', JSON_TYPE],
    ['a number for login', '{"login":5,"password":"xxxxx"}', JSON_TYPE],
    ['an array', '[]', JSON_TYPE],
    ['a fraction for orgId', '{"login":"x","password":"xxxxx","orgId":1.5}', JSON_TYPE],
  ])('POST /admin/users with %s → 400 "bad request data"', async (_label, body, contentType) => {
    const res = await post('/graph/api/admin/users', body, ADMIN_AUTH, contentType);
    expect([res.status, res.body]).toEqual([400, { message: 'bad request data', traceID: '' }]);
  });

  it("POST /admin/users: Grafana's checks in order — login or email, password length, org, taken login or email", async () => {
    const res = (body: unknown) => post('/graph/api/admin/users', body);
    expect((await res({ password: okPassword })).body).toEqual({
      message: 'Validation error, need specify either username or email',
    });
    expect((await res({ login: `short-${++seq}`, password: shortPassword })).body).toEqual(tooShort);
    expect((await res({ login: `org-${++seq}`, password: okPassword, orgId: 2 })).body).toEqual({
      message: 'organization not found',
    });
    // The login defaults to the email.
    const email = `only-email-${++seq}@percona.invalid`;
    expect((await res({ email, password: okPassword })).status).toBe(200);
    expect((await t.https().get('/graph/api/user').set('Authorization', basic(email, okPassword))).status).toBe(200);
    const taken = await res({ email: 'new@percona.invalid', login: 'viewer', password: okPassword });
    expect([taken.status, taken.body]).toEqual([
      412,
      { message: "User with email 'new@percona.invalid' or username 'viewer' already exists", traceID: '' },
    ]);
    expect((await res({ email, login: `other-${++seq}`, password: okPassword })).status).toBe(412);
  });

  it('bad ids: "id is invalid" / "userId is invalid" (400); unknown ids: password 500, role 500 (documented 5xx)', async () => {
    const h = () => t.https();
    expect((await h().delete('/graph/api/admin/users/abc').set('Authorization', ADMIN_AUTH)).body.message).toBe(
      'id is invalid',
    );
    const pw = (id: string, password: string) =>
      h()
        .put(`/graph/api/admin/users/${id}/password`)
        .set('Authorization', ADMIN_AUTH)
        .set('Content-Type', JSON_TYPE)
        .send(JSON.stringify({ password }));
    expect((await pw('abc', okPassword)).body.message).toBe('id is invalid');
    expect((await pw('2', shortPassword)).body.message).toBe(
      profile.name === 'pmm2' ? 'New password too short' : tooShort.message,
    );
    expect([(await pw('9999', okPassword)).status, (await pw('9999', okPassword)).body.message]).toEqual([
      500,
      'Could not read user from database',
    ]);
    expect((await patchRole('abc', { role: 'Viewer' })).body.message).toBe('userId is invalid');
    expect([(await patchRole(9999, { role: 'Viewer' })).status]).toEqual([500]);
  });

  it('grafana-auth §1.2: PATCH /org/users/:id role parsing — missing → 400; "viewer" is refused by 9.2, title-cased by 11.x', async () => {
    const u = await create('roles');
    expect((await patchRole(u.id, {})).body.message).toBe('bad request data');
    expect((await patchRole(u.id, { role: 'Superuser' })).body.message).toBe('bad request data');
    expect((await patchRole(u.id, { role: 'viewer' })).status).toBe(profile.roleParsing === 'titleCase' ? 200 : 400);
  });

  it('PATCH /org/users/:id refuses to leave the org without an admin', async () => {
    // The harness has two org Admins (admin, orgadmin): demote one, then the last one is kept.
    const users = (await t.https().get('/graph/api/org/users').set('Authorization', ADMIN_AUTH)).body as {
      userId: number;
      role: string;
    }[];
    const admins = users.filter((u) => u.role === 'Admin').map((u) => u.userId);
    expect(admins.length).toBeGreaterThan(1);
    for (const id of admins.slice(1)) expect((await patchRole(id, { role: 'Editor' })).status).toBe(200);
    const last = await patchRole(admins[0]!, { role: 'Viewer' });
    expect([last.status, last.body]).toEqual([
      400,
      { message: 'Cannot change role so that there is no organization admin left' },
    ]);
    for (const id of admins.slice(1)) expect((await patchRole(id, { role: 'Admin' })).status).toBe(200);
  });
});
