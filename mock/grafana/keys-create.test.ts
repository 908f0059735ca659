/**
 * POST /graph/api/auth/keys through the app in process (startInProcessMock): binding, validation order, the
 * success body and the key format (grafana-auth §1.1, grafana-auth §1.2, grafana-auth §1.3, grafana-auth §1.4, grafana-auth §2.1).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_AUTH, basic, bearer, startInProcessMock, type InProcessTestMock } from '../testing/harness.ts';

let seq = 0;
/** A key name no other test uses. */
const uniq = (prefix: string): string => `${prefix}-${++seq}`;

/**
 * POSTs `body` verbatim, so the test controls every header: a string after an explicit
 * Content-Type is sent as is; with `null`, a Buffer (superagent then adds no Content-Type).
 */
function postKeys(
  t: InProcessTestMock,
  body: string,
  contentType: string | null = 'application/json',
  auth = ADMIN_AUTH,
) {
  const req = t.https().post('/graph/api/auth/keys').set('Authorization', auth);
  if (contentType === null) return req.send(Buffer.from(body));
  return req.set('Content-Type', contentType).send(body);
}

const BAD_REQUEST = { message: 'bad request data', traceID: '' };
const ACCESS_MESSAGE = "You'll need additional permissions to perform this action. Permissions needed: ";

describe('POST /graph/api/auth/keys', () => {
  let t: InProcessTestMock;
  beforeAll(async () => {
    t = await startInProcessMock();
  });
  afterAll(() => t.close());

  it.each([
    { label: 'missing name', body: () => JSON.stringify({ role: 'Viewer' }) },
    { label: 'empty name', body: () => JSON.stringify({ name: '', role: 'Viewer' }) },
    { label: 'missing role', body: () => JSON.stringify({ name: uniq('no-role') }) },
    { label: 'role "viewer" (case-sensitive)', body: () => JSON.stringify({ name: uniq('lc-role'), role: 'viewer' }) },
    { label: 'role "Superuser"', body: () => JSON.stringify({ name: uniq('su-role'), role: 'Superuser' }) },
    { label: 'role as a number', body: () => JSON.stringify({ name: uniq('num-role'), role: 1 }) },
    {
      label: 'secondsToLive 1.5 (not an integer)',
      body: () => JSON.stringify({ name: uniq('frac-ttl'), role: 'Viewer', secondsToLive: 1.5 }),
    },
    {
      label: 'secondsToLive "60" (a string)',
      body: () => JSON.stringify({ name: uniq('str-ttl'), role: 'Viewer', secondsToLive: '60' }),
    },
    {
      label: 'Content-Type text/plain',
      body: () => JSON.stringify({ name: uniq('text-ct'), role: 'Viewer' }),
      contentType: 'text/plain',
    },
    {
      label: 'no Content-Type',
      body: () => JSON.stringify({ name: uniq('no-ct'), role: 'Viewer' }),
      contentType: null,
    },
    { label: 'empty body', body: () => '' },
    { label: 'non-JSON body', body: () => `name=${uniq('form')}&role=Viewer` },
    { label: 'JSON array body', body: () => JSON.stringify([{ name: uniq('array'), role: 'Viewer' }]) },
  ])('grafana-auth §1.2, grafana-auth §1.3 step 1: $label → 400 "bad request data"', async ({ body, ...row }) => {
    const res = await postKeys(t, body(), 'contentType' in row ? row.contentType : 'application/json');
    expect(res.status).toBe(400);
    expect(res.body).toEqual(BAD_REQUEST);
  });

  it.each([
    { label: 'role "" → Viewer', fields: { role: '' }, role: 'Viewer', contentType: 'application/json', trailer: '' },
    {
      label: 'role null → Viewer',
      fields: { role: null },
      role: 'Viewer',
      contentType: 'application/json',
      trailer: '',
    },
    {
      label: 'Content-Type with "; charset=utf-8"',
      fields: { role: 'Editor' },
      role: 'Editor',
      contentType: 'application/json; charset=utf-8',
      trailer: '',
    },
    {
      label: 'trailing garbage after the first JSON value',
      fields: { role: 'Admin' },
      role: 'Admin',
      contentType: 'application/json',
      trailer: ' }{ garbage',
    },
  ])('grafana-auth §1.2: $label is accepted', async ({ fields, role, contentType, trailer }) => {
    const name = uniq('accepted');
    const res = await postKeys(t, JSON.stringify({ name, ...fields }) + trailer, contentType);
    expect(res.status).toBe(200);
    const current = await t.https().get('/graph/api/auth/key').set('Authorization', bearer(res.body.key));
    expect(current.status).toBe(200);
    expect(current.body).toEqual({ id: res.body.id, orgId: 1, name, role });
  });

  it('grafana-auth §1.4, grafana-auth §2.1: success body is {id,name,key} and the key is base64 of {"k":<32 alnum>,"n":<name>,"id":1}', async () => {
    const name = uniq('success');
    const res = await postKeys(t, JSON.stringify({ name, role: 'Viewer' }));
    expect(res.status).toBe(200);
    expect(Object.keys(res.body)).toEqual(['id', 'name', 'key']);
    expect(Number.isInteger(res.body.id)).toBe(true);
    expect(res.body.name).toBe(name);
    const key: string = res.body.key;
    const text = Buffer.from(key, 'base64').toString('utf8');
    expect(Buffer.from(text).toString('base64')).toBe(key);
    const k = (JSON.parse(text) as { k: string }).k;
    expect(k).toMatch(/^[0-9A-Za-z]{32}$/);
    expect(text).toBe(JSON.stringify({ k, n: name, id: 1 }));
    const me = await t.https().get('/graph/api/auth/key').set('Authorization', bearer(key));
    expect(me.status).toBe(200);
    expect(me.body.name).toBe(name);
  });

  it('grafana-auth §1.3 step 6: negative secondsToLive → 400 "negative value for SecondsToLive"', async () => {
    const res = await postKeys(t, JSON.stringify({ name: uniq('negative'), role: 'Viewer', secondsToLive: -1 }));
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ message: 'negative value for SecondsToLive' });
  });

  it.each([
    { label: 'duplicate name', secondsToLive: undefined },
    { label: 'duplicate name with a negative TTL (duplicate check first)', secondsToLive: -5 },
  ])('grafana-auth §1.3 step 6: $label → 409', async ({ secondsToLive }) => {
    const name = uniq('dup');
    expect((await postKeys(t, JSON.stringify({ name, role: 'Viewer' }))).status).toBe(200);
    const res = await postKeys(t, JSON.stringify({ name, role: 'Admin', secondsToLive }));
    expect(res.status).toBe(409);
    expect(res.body).toEqual({ message: 'API key, organization ID and name must be unique' });
  });

  it('grafana-auth §1.3 step 6: a name of 191 characters (column is 190) → 500 "Failed to add API Key"', async () => {
    const res = await postKeys(t, JSON.stringify({ name: `long-${uniq('n')}-`.padEnd(191, 'x'), role: 'Viewer' }));
    expect(res.status).toBe(500);
    expect(res.body).toEqual({ message: 'Failed to add API Key', traceID: '' });
  });

  it('grafana-auth §1.3 step 6: a name of exactly 190 characters is stored', async () => {
    const name = `long-${uniq('n')}-`.padEnd(190, 'y');
    const res = await postKeys(t, JSON.stringify({ name, role: 'Viewer' }));
    expect(res.status).toBe(200);
    expect(res.body.name).toBe(name);
  });

  const callers = [
    { label: 'Viewer key', auth: (x: InProcessTestMock) => bearer(x.mock.keys['seed-viewer']!) },
    { label: 'Editor key', auth: (x: InProcessTestMock) => bearer(x.mock.keys['seed-editor']!) },
    { label: 'Viewer user', auth: () => basic('viewer', 'viewer-pw') },
    { label: 'Editor user', auth: () => basic('editor', 'editor-pw') },
  ];
  const actions = [
    {
      action: 'apikeys:create',
      send: (x: InProcessTestMock, auth: string) =>
        postKeys(x, JSON.stringify({ name: uniq('denied'), role: 'Viewer' }), 'application/json', auth),
    },
    {
      action: 'apikeys:read',
      send: (x: InProcessTestMock, auth: string) => x.https().get('/graph/api/auth/keys').set('Authorization', auth),
    },
    {
      action: 'apikeys:delete',
      send: (x: InProcessTestMock, auth: string) =>
        x.https().delete('/graph/api/auth/keys/1').set('Authorization', auth),
    },
  ];
  it.each(callers.flatMap((c) => actions.map((a) => ({ ...c, ...a }))))(
    'grafana-auth §1.1: $label lacks $action → 403 "Access denied"',
    async ({ auth, action, send }) => {
      const res = await send(t, auth(t));
      expect(res.status).toBe(403);
      expect(Object.keys(res.body)).toEqual(['accessErrorId', 'message', 'title']);
      expect(res.body).toEqual({
        accessErrorId: expect.stringMatching(/^ACE\d{10}$/),
        message: ACCESS_MESSAGE + action,
        title: 'Access denied',
      });
    },
  );

  it('grafana-auth §1.1: a delete refused with 403 leaves the key in place', async () => {
    const list = await t.https().get('/graph/api/auth/keys').set('Authorization', ADMIN_AUTH);
    expect(list.body.map((k: { id: number }) => k.id)).toContain(1);
  });

  it.each([
    { label: 'an Admin key', auth: (x: InProcessTestMock) => bearer(x.mock.keys['seed-admin']!) },
    { label: 'an org-Admin user (not a server admin)', auth: () => basic('orgadmin', 'orgadmin-pw') },
    {
      label: 'Basic api_key:<Admin key>',
      auth: (x: InProcessTestMock) => basic('api_key', x.mock.keys['seed-admin']!),
    },
  ])('grafana-auth §1.1: $label may create keys', async ({ auth }) => {
    const name = uniq('by-admin');
    const res = await postKeys(t, JSON.stringify({ name, role: 'Admin' }), 'application/json', auth(t));
    expect(res.status).toBe(200);
    expect(res.body.name).toBe(name);
  });
});

describe('POST /graph/api/auth/keys with api_key_max_seconds_to_live = 3600', () => {
  let t: InProcessTestMock;
  beforeAll(async () => {
    t = await startInProcessMock({ keyMaxSecondsToLive: 3600 });
  });
  afterAll(() => t.close());

  const SHOULD_BE_SET = { message: 'Number of seconds before expiration should be set' };
  const OVER_LIMIT = { message: 'Number of seconds before expiration is greater than the global limit' };

  it.each([
    { label: 'secondsToLive omitted', secondsToLive: undefined, status: 400, body: SHOULD_BE_SET },
    { label: 'secondsToLive 0', secondsToLive: 0, status: 400, body: SHOULD_BE_SET },
    { label: 'secondsToLive 3601 (over the limit)', secondsToLive: 3601, status: 400, body: OVER_LIMIT },
    {
      label: 'secondsToLive -1 (passes the limit check, then negative)',
      secondsToLive: -1,
      status: 400,
      body: { message: 'negative value for SecondsToLive' },
    },
  ])('grafana-auth §1.3 step 4: $label → $status', async ({ secondsToLive, status, body }) => {
    const res = await postKeys(t, JSON.stringify({ name: uniq('max'), role: 'Viewer', secondsToLive }));
    expect(res.status).toBe(status);
    expect(res.body).toEqual(body);
  });

  it('grafana-auth §1.3 step 4: secondsToLive equal to the limit is accepted', async () => {
    const res = await postKeys(t, JSON.stringify({ name: uniq('at-max'), role: 'Viewer', secondsToLive: 3600 }));
    expect(res.status).toBe(200);
  });

  it('grafana-auth §1.3: the limit check runs before the duplicate check (existing name, TTL omitted → 400)', async () => {
    const res = await postKeys(t, JSON.stringify({ name: 'seed-viewer', role: 'Viewer' }));
    expect(res.status).toBe(400);
    expect(res.body).toEqual(SHOULD_BE_SET);
  });

  it('grafana-auth §1.3: a bind error comes before the limit check', async () => {
    const res = await postKeys(t, JSON.stringify({ name: uniq('bind-first'), role: 'viewer' }));
    expect(res.status).toBe(400);
    expect(res.body).toEqual(BAD_REQUEST);
  });
});
