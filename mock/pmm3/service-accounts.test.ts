/**
 * Service accounts under /graph/api/serviceaccounts on the pmm3 profile (Grafana 11.1.8, Percona
 * fork) through the app in process (startInProcessMock): create (DTO, login, role parsing, Percona's `force`), who may
 * call (grafana-auth §1.1 RBAC), search paging, get, update and delete (grafana-auth §5.3).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pmm3 } from '../profiles/pmm3.ts';
import {
  ADMIN_AUTH,
  authLayerBody,
  basic,
  bearer,
  startInProcessMock,
  type InProcessTestMock,
} from '../testing/harness.ts';

const SA = '/graph/api/serviceaccounts';
/** grafana-auth §5.3: the ServiceAccountDTO of create and search, in this order. */
const DTO_KEYS = ['id', 'name', 'login', 'orgId', 'isDisabled', 'role', 'tokens', 'avatarUrl'];
/** grafana-auth §5.3: the profile of GET /:id, in this order. */
const PROFILE_KEYS = [
  'id',
  'name',
  'login',
  'orgId',
  'isDisabled',
  'createdAt',
  'updatedAt',
  'avatarUrl',
  'role',
  'teams',
  'tokens',
];
/** Go's time.Time JSON of whole seconds (RFC 3339). */
const RFC3339 = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(Z|[+-]\d\d:\d\d)$/;

let t: InProcessTestMock;
beforeAll(async () => {
  t = await startInProcessMock({
    profile: pmm3,
    seedTokens: [
      { name: 'tok-viewer', role: 'Viewer' },
      { name: 'tok-editor', role: 'Editor' },
      { name: 'tok-admin', role: 'Admin' },
    ],
  });
});
afterAll(() => t.close());

const seeded = (name: string): string => {
  const key = t.mock.keys[name];
  if (key === undefined) throw new Error(`no seeded token ${name}`);
  return key;
};

type Res = Awaited<ReturnType<ReturnType<InProcessTestMock['https']>['get']>>;

function sendJson(method: 'post' | 'patch', path: string, body: unknown, auth = ADMIN_AUTH): Promise<Res> {
  return t
    .https()
    [method](path)
    .set('Authorization', auth)
    .set('Content-Type', 'application/json')
    .send(typeof body === 'string' ? body : JSON.stringify(body));
}

const get = (path: string, auth = ADMIN_AUTH): Promise<Res> => t.https().get(path).set('Authorization', auth);

async function createAccount(
  body: Record<string, unknown>,
): Promise<{ id: number; name: string; login: string; role: string; isDisabled: boolean }> {
  const res = await sendJson('post', SA, body);
  if (res.status !== 201) throw new Error(`creating ${JSON.stringify(body)}: ${res.status} ${res.text}`);
  return res.body;
}

async function createToken(saId: number, name: string): Promise<string> {
  const res = await sendJson('post', `${SA}/${saId}/tokens`, { name });
  if (res.status !== 200) throw new Error(`creating token ${name}: ${res.status} ${res.text}`);
  return res.body.key as string;
}

/** Compares a JSON body and its key order. */
function expectBody(res: { body: unknown }, body: object): void {
  expect(res.body).toEqual(body);
  expect(Object.keys(res.body as object)).toEqual(Object.keys(body));
}

describe('POST /graph/api/serviceaccounts (grafana-auth §5.3)', () => {
  it('grafana-auth §5.3: {"name":"Node Exporter One"} → 201 the DTO, login sa-node-exporter-one, role Viewer', async () => {
    const res = await sendJson('post', SA, { name: 'Node Exporter One' });
    expect(res.status).toBe(201);
    expect(Object.keys(res.body)).toEqual(DTO_KEYS);
    expect(res.body).toEqual({
      id: expect.any(Number),
      name: 'Node Exporter One',
      login: 'sa-node-exporter-one',
      orgId: 1,
      isDisabled: false,
      role: 'Viewer',
      tokens: 0,
      avatarUrl: expect.any(String),
    });
    const again = await get(`${SA}/${res.body.id}`);
    expect(again.body).toMatchObject({ name: 'Node Exporter One', login: 'sa-node-exporter-one' });
  });

  it.each([
    { input: 'None', role: 'None' },
    { input: 'Editor', role: 'Editor' },
    { input: 'admin', role: 'Admin' },
    { input: 'editor', role: 'Editor' },
    { input: '', role: 'Viewer' },
  ])(
    'grafana-auth §1.2, grafana-auth §5.3 (11.x role parsing): role "$input" → 201, role $role',
    async ({ input, role }) => {
      const res = await sendJson('post', SA, { name: `role-${input || 'empty'}`, role: input });
      expect(res.status).toBe(201);
      expect(res.body.role).toBe(role);
    },
  );

  it('grafana-auth §5.3: "isDisabled": true → 201 a disabled account', async () => {
    const res = await sendJson('post', SA, { name: 'born-disabled', isDisabled: true });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ isDisabled: true, role: 'Viewer' });
  });

  it.each([
    { label: 'an empty object (name missing)', body: '{}', type: 'application/json' },
    { label: 'an empty name', body: '{"name":""}', type: 'application/json' },
    { label: 'role "Superuser"', body: '{"name":"bind-role","role":"Superuser"}', type: 'application/json' },
    { label: 'a string isDisabled', body: '{"name":"bind-disabled","isDisabled":"yes"}', type: 'application/json' },
    { label: 'a body that is not JSON', body: 'name=bind-form', type: 'application/json' },
    { label: 'Content-Type text/plain', body: '{"name":"bind-type"}', type: 'text/plain' },
  ])('grafana-auth §5.3: $label → 400 "Bad request data", nothing created', async ({ body, type }) => {
    const res = await t.https().post(SA).set('Authorization', ADMIN_AUTH).set('Content-Type', type).send(body);
    expect(res.status).toBe(400);
    expect(res.body.message).toBe('Bad request data');
    const search = await get(`${SA}/search?query=bind-`);
    expect(search.body.totalCount).toBe(0);
  });

  it('grafana-auth §5.3 (Percona force): an existing name without force → the same account, role and isDisabled updated', async () => {
    const first = await createAccount({ name: 'force-me', role: 'Viewer' });
    const res = await sendJson('post', SA, { name: 'force-me', role: 'Editor', isDisabled: true });
    // Status of Percona's update path UNVERIFIED (grafana-auth §5.3): a success either way.
    expect([200, 201]).toContain(res.status);
    expect(Object.keys(res.body)).toEqual(DTO_KEYS);
    expect(res.body).toMatchObject({
      id: first.id,
      name: 'force-me',
      login: 'sa-force-me',
      role: 'Editor',
      isDisabled: true,
    });
    const search = await get(`${SA}/search?query=force-me`);
    expect(search.body.totalCount).toBe(1);
    expect(search.body.serviceAccounts[0]).toMatchObject({ id: first.id, role: 'Editor', isDisabled: true });
  });

  it('grafana-auth §5.3 (Percona force): an existing name with "force": true → 400 "service account already exists", unchanged', async () => {
    const first = await createAccount({ name: 'force-true', role: 'Admin' });
    const res = await sendJson('post', SA, { name: 'force-true', role: 'Viewer', force: true });
    expect(res.status).toBe(400);
    expect(res.body.message).toBe('service account already exists');
    expect((await get(`${SA}/${first.id}`)).body).toMatchObject({ role: 'Admin' });
  });
});

describe('callers without serviceaccounts:* (grafana-auth §1.1, grafana-auth §5.3)', () => {
  const callers = [
    { who: 'the Viewer user (Basic)', auth: () => basic('viewer', 'viewer-pw') },
    { who: 'the Editor user (Basic)', auth: () => basic('editor', 'editor-pw') },
    { who: 'a Viewer account token (Bearer)', auth: () => bearer(seeded('tok-viewer')) },
    { who: 'an Editor account token (Bearer)', auth: () => bearer(seeded('tok-editor')) },
  ];
  const requests = [
    {
      op: 'POST /graph/api/serviceaccounts',
      action: 'serviceaccounts:create',
      send: (auth: string) => sendJson('post', SA, { name: 'not-allowed' }, auth),
    },
    {
      op: 'GET /graph/api/serviceaccounts/search',
      action: 'serviceaccounts:read',
      send: (auth: string) => get(`${SA}/search`, auth),
    },
  ];

  it.each(callers.flatMap((c) => requests.map((r) => ({ ...c, ...r }))))(
    'grafana-auth §1.1: $op as $who → 403 with accessErrorId',
    async ({ auth, send, action }) => {
      const res = await send(auth());
      expect(res.status).toBe(403);
      expectBody(res, {
        accessErrorId: expect.stringMatching(/^ACE\d{10}$/),
        message: `You'll need additional permissions to perform this action. Permissions needed: ${action}`,
        title: 'Access denied',
      });
      expect((await get(`${SA}/search?query=not-allowed`)).body.totalCount).toBe(0);
    },
  );

  it('grafana-auth §1.1: an Admin account token (Bearer) may search → 200', async () => {
    const res = await get(`${SA}/search?query=tok-`, bearer(seeded('tok-admin')));
    expect(res.status).toBe(200);
    expect(res.body.totalCount).toBe(3);
  });
});

describe('GET /graph/api/serviceaccounts/search (grafana-auth §5.3)', () => {
  beforeAll(async () => {
    for (const name of ['srch-alpha', 'srch-beta', 'srch-gamma']) await createAccount({ name });
  });

  it('grafana-auth §5.3: no paging parameters → page 1, perPage 1000, every account counted', async () => {
    const res = await get(`${SA}/search`);
    expect(res.status).toBe(200);
    expect(Object.keys(res.body)).toEqual(['totalCount', 'serviceAccounts', 'page', 'perPage']);
    expect(res.body).toMatchObject({ page: 1, perPage: 1000 });
    expect(res.body.serviceAccounts).toHaveLength(res.body.totalCount);
    expect(res.body.totalCount).toBeGreaterThanOrEqual(6);
    for (const item of res.body.serviceAccounts) expect(Object.keys(item)).toEqual(DTO_KEYS);
  });

  it('grafana-auth §5.3: query=srch- → the three srch- accounts only', async () => {
    const res = await get(`${SA}/search?query=srch-`);
    expect(res.body.totalCount).toBe(3);
    expect((res.body.serviceAccounts as { name: string }[]).map((s) => s.name).sort()).toEqual([
      'srch-alpha',
      'srch-beta',
      'srch-gamma',
    ]);
  });

  it('grafana-auth §5.3: query=srch-beta → one account; query=no-such → totalCount 0, []', async () => {
    const one = await get(`${SA}/search?query=srch-beta`);
    expect(one.body.totalCount).toBe(1);
    expect(one.body.serviceAccounts[0]).toMatchObject({ name: 'srch-beta', login: 'sa-srch-beta' });
    const none = await get(`${SA}/search?query=no-such`);
    expect(none.body).toEqual({ totalCount: 0, serviceAccounts: [], page: 1, perPage: 1000 });
  });

  it('grafana-auth §5.3: perpage=2 page=1 and page=2 → 2 + 1 accounts, disjoint, totalCount 3 on both', async () => {
    const p1 = await get(`${SA}/search?query=srch-&perpage=2&page=1`);
    const p2 = await get(`${SA}/search?query=srch-&perpage=2&page=2`);
    expect(p1.body).toMatchObject({ totalCount: 3, page: 1, perPage: 2 });
    expect(p2.body).toMatchObject({ totalCount: 3, page: 2, perPage: 2 });
    const names = (r: Res): string[] => (r.body.serviceAccounts as { name: string }[]).map((s) => s.name);
    expect(names(p1)).toHaveLength(2);
    expect(names(p2)).toHaveLength(1);
    expect([...names(p1), ...names(p2)].sort()).toEqual(['srch-alpha', 'srch-beta', 'srch-gamma']);
  });
});

describe('GET, PATCH, DELETE /graph/api/serviceaccounts/:id (grafana-auth §5.3)', () => {
  it('grafana-auth §5.3: GET /:id → 200 the profile fields in order, teams [], tokens counted', async () => {
    const sa = await createAccount({ name: 'Profile Me', role: 'Editor' });
    await createToken(sa.id, 'profile-me-token');
    const res = await get(`${SA}/${sa.id}`);
    expect(res.status).toBe(200);
    expect(Object.keys(res.body)).toEqual(PROFILE_KEYS);
    expect(res.body).toMatchObject({
      id: sa.id,
      name: 'Profile Me',
      login: 'sa-profile-me',
      orgId: 1,
      isDisabled: false,
      role: 'Editor',
      teams: [],
      tokens: 1,
    });
    expect(res.body.createdAt).toMatch(RFC3339);
    expect(res.body.updatedAt).toMatch(RFC3339);
  });

  it('grafana-auth §5.3 (11.x): GET /999999 → 404 typed "service account not found"', async () => {
    const res = await get(`${SA}/999999`);
    expect(res.status).toBe(404);
    expect(Object.keys(res.body)).toEqual(['message', 'messageId', 'statusCode', 'traceID']);
    expect(res.body).toEqual({
      message: 'service account not found',
      messageId: expect.stringMatching(/^serviceaccounts\./),
      statusCode: 404,
      traceID: '',
    });
  });

  it.each(['abc', '1.5'])('grafana-auth §5.3: GET /%s (not an integer) → 400', async (id) => {
    const res = await get(`${SA}/${id}`);
    expect(res.status).toBe(400);
    expect(res.body.message).toBe('Service Account ID is invalid');
  });

  it('grafana-auth §5.3: PATCH /:id {"role":"Admin"} → 200 {id,name,serviceaccount,message}', async () => {
    const sa = await createAccount({ name: 'patch-role' });
    const res = await sendJson('patch', `${SA}/${sa.id}`, { role: 'Admin' });
    expect(res.status).toBe(200);
    expect(Object.keys(res.body)).toEqual(['id', 'name', 'serviceaccount', 'message']);
    expect(res.body).toMatchObject({
      id: sa.id,
      name: 'patch-role',
      message: 'Service account updated',
      serviceaccount: { id: sa.id, role: 'Admin' },
    });
    expect(Object.keys(res.body.serviceaccount)).toEqual(PROFILE_KEYS);
    expect((await get(`${SA}/${sa.id}`)).body.role).toBe('Admin');
  });

  it('pmm-auth §4.2: PATCH /:id {"orgId":1} (what PMM sends after create) → 200, the account unchanged', async () => {
    const sa = await createAccount({ name: 'pmm-agent-sa-node1', role: 'Admin', force: false });
    const res = await sendJson('patch', `${SA}/${sa.id}`, { orgId: 1 });
    expect(res.status).toBe(200);
    expect(res.body.serviceaccount).toMatchObject({
      id: sa.id,
      name: 'pmm-agent-sa-node1',
      login: 'sa-pmm-agent-sa-node1',
      orgId: 1,
      role: 'Admin',
      isDisabled: false,
    });
  });

  it('grafana-auth §5.3, grafana-auth §3.2: PATCH {"isDisabled":true} disables the account; its token then gets 401 on PMM paths', async () => {
    const sa = await createAccount({ name: 'patch-disable' });
    const key = await createToken(sa.id, 'patch-disable-token');
    expect((await get('/v1/server/version', bearer(key))).status).toBe(200);
    const res = await sendJson('patch', `${SA}/${sa.id}`, { isDisabled: true });
    expect(res.status).toBe(200);
    expect(res.body.serviceaccount.isDisabled).toBe(true);
    expect((await get(`${SA}/${sa.id}`)).body.isDisabled).toBe(true);
    const after = await get('/v1/server/version', bearer(key));
    expect(after.status).toBe(401);
    expect(after.body.code).toBe(16);
  });

  it('grafana-auth §5.3: DELETE /:id → 200 "Service account deleted", then 404, its token no longer authenticates', async () => {
    const sa = await createAccount({ name: 'delete-me', role: 'Admin' });
    const key = await createToken(sa.id, 'delete-me-token');
    expect((await get('/v1/server/settings', bearer(key))).status).toBe(200);
    const res = await t.https().delete(`${SA}/${sa.id}`).set('Authorization', ADMIN_AUTH);
    expect(res.status).toBe(200);
    expectBody(res, { message: 'Service account deleted' });
    expect((await get(`${SA}/${sa.id}`)).status).toBe(404);
    expect((await get(`${SA}/search?query=delete-me`)).body.totalCount).toBe(0);
    const pmm = await get('/v1/server/settings', bearer(key));
    expect(pmm.status).toBe(401);
    expect(pmm.text).toBe(authLayerBody(16, 'Unauthorized'));
    const grafana = await get('/graph/api/auth/key', bearer(key));
    expect(grafana.status).toBe(401);
    // The token row went with the account: a new token may take its name (one unique index, grafana-auth §1.3).
    const other = await createAccount({ name: 'delete-me-2' });
    await expect(createToken(other.id, 'delete-me-token')).resolves.toMatch(/^glsa_/);
  });

  it('grafana-auth §5.3: DELETE of an unknown id → 404, of a non-integer id → 400', async () => {
    expect((await t.https().delete(`${SA}/999998`).set('Authorization', ADMIN_AUTH)).status).toBe(404);
    expect((await t.https().delete(`${SA}/x`).set('Authorization', ADMIN_AUTH)).status).toBe(400);
  });
});
