/**
 * Grafana 9.2 (Percona fork) user endpoints through the app in process (startInProcessMock):
 * /graph/api/user, /graph/api/user/orgs (grafana-auth §6.2) and /graph/api/health (grafana-auth §6.3);
 * authentication itself is in auth-header.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_AUTH, basic, bearer, startInProcessMock, type InProcessTestMock } from '../testing/harness.ts';

/** One mock for the file. */
let t: InProcessTestMock;
beforeAll(async () => {
  t = await startInProcessMock();
});
afterAll(() => t.close());

const PROFILE_FIELDS = [
  'id',
  'email',
  'name',
  'login',
  'theme',
  'orgId',
  'isGrafanaAdmin',
  'isDisabled',
  'isExternal',
  'authLabels',
  'updatedAt',
  'createdAt',
  'avatarUrl',
];
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(Z|[+-]\d{2}:\d{2})$/;

const USERS = [
  { login: 'admin', auth: () => ADMIN_AUTH, role: 'Admin', isGrafanaAdmin: true },
  { login: 'viewer', auth: () => basic('viewer', 'viewer-pw'), role: 'Viewer', isGrafanaAdmin: false },
  { login: 'editor', auth: () => basic('editor', 'editor-pw'), role: 'Editor', isGrafanaAdmin: false },
  { login: 'orgadmin', auth: () => basic('orgadmin', 'orgadmin-pw'), role: 'Admin', isGrafanaAdmin: false },
];

const KEYS = [
  { label: 'a Viewer key (Bearer)', auth: (t: InProcessTestMock) => bearer(t.mock.keys['seed-viewer']!) },
  { label: 'an Editor key (Bearer)', auth: (t: InProcessTestMock) => bearer(t.mock.keys['seed-editor']!) },
  { label: 'an Admin key (Bearer)', auth: (t: InProcessTestMock) => bearer(t.mock.keys['seed-admin']!) },
  {
    label: 'an Admin key (Basic api_key)',
    auth: (t: InProcessTestMock) => basic('api_key', t.mock.keys['seed-admin']!),
  },
];

describe('GET /graph/api/user and /graph/api/user/orgs', () => {
  it.each(USERS)(
    'grafana-auth §6.2: user "$login" gets the profile fields in order, isGrafanaAdmin $isGrafanaAdmin',
    async ({ login, auth, isGrafanaAdmin }) => {
      const res = await t.https().get('/graph/api/user').set('Authorization', auth());
      expect(res.status).toBe(200);
      expect(Object.keys(res.body)).toEqual(PROFILE_FIELDS);
      expect(res.body).toMatchObject({
        login,
        orgId: 1,
        isGrafanaAdmin,
        isDisabled: false,
        isExternal: false,
        authLabels: [],
      });
      expect(Number.isInteger(res.body.id)).toBe(true);
      expect(res.body.updatedAt).toMatch(RFC3339);
      expect(res.body.createdAt).toMatch(RFC3339);
      expect(typeof res.body.avatarUrl).toBe('string');
    },
  );

  it.each(KEYS)('grafana-auth §6.2: $label → 404 "user not found"', async ({ auth }) => {
    const res = await t.https().get('/graph/api/user').set('Authorization', auth(t));
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ message: 'user not found' });
  });

  it.each(USERS)(
    'grafana-auth §6.2: /user/orgs for user "$login" → [{orgId:1, name:"Main Org.", role:"$role"}]',
    async ({ auth, role }) => {
      const res = await t.https().get('/graph/api/user/orgs').set('Authorization', auth());
      expect(res.status).toBe(200);
      expect(res.body).toEqual([{ orgId: 1, name: 'Main Org.', role }]);
      expect(Object.keys(res.body[0])).toEqual(['orgId', 'name', 'role']);
    },
  );

  it.each(KEYS)('grafana-auth §6.2: /user/orgs for $label → []', async ({ auth }) => {
    const res = await t.https().get('/graph/api/user/orgs').set('Authorization', auth(t));
    expect(res.status).toBe(200);
    expect(res.body).toEqual([]);
  });

  it.each(['/graph/api/user', '/graph/api/user/orgs'])(
    'grafana-auth §3.6: %s without credentials → 401 "Unauthorized"',
    async (path) => {
      const res = await t.https().get(path);
      expect(res.status).toBe(401);
      expect(res.body).toEqual({ message: 'Unauthorized' });
    },
  );
});

describe('GET|HEAD /graph/api/health', () => {
  it.each([
    { label: 'no Authorization header', header: undefined },
    { label: 'a malformed Bearer key', header: 'Bearer not-a-key' },
    { label: 'a malformed glsa_ token (500 elsewhere)', header: 'Bearer glsa_x_00000000' },
    { label: 'an undecodable Basic header', header: 'Basic !!!' },
    { label: 'a lower-case "bearer" header', header: 'bearer whatever' },
    { label: 'a wrong password', header: basic('nobody', 'wrong') },
  ])('grafana-auth §6.3, grafana-auth §3.1: with $label → 200 (health never authenticates)', async ({ header }) => {
    const req = t.https().get('/graph/api/health');
    if (header !== undefined) req.set('Authorization', header);
    const res = await req;
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/json; charset=UTF-8');
    const body = JSON.parse(res.text) as Record<string, unknown>;
    expect(Object.keys(body)).toEqual(['commit', 'database', 'version']);
    expect(res.text).toBe(JSON.stringify(body, null, 2));
    expect(body).toEqual({ commit: expect.any(String), database: 'ok', version: '9.2.20' });
  });

  it('grafana-auth §6.3: HEAD → 200 with no body', async () => {
    const res = await t.https().head('/graph/api/health');
    expect(res.status).toBe(200);
    expect(res.text ?? '').toBe('');
  });

  it('grafana-auth §6.3, grafana-auth §3.1: health requests are not counted as failed logins', async () => {
    for (let i = 0; i < 6; i++) {
      expect((await t.https().get('/graph/api/health').set('Authorization', basic('viewer', 'wrong'))).status).toBe(
        200,
      );
    }
    const res = await t.https().get('/graph/api/user').set('Authorization', basic('viewer', 'viewer-pw'));
    expect(res.status).toBe(200);
  });
});
