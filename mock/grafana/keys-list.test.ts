/**
 * GET /graph/api/auth/keys, DELETE /graph/api/auth/keys/:id and Percona's GET /graph/api/auth/key
 * through the app in process (startInProcessMock) (grafana-auth §1.1, grafana-auth §1.5, grafana-auth §1.6).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_AUTH, bearer, createKey, startInProcessMock, type InProcessTestMock } from '../testing/harness.ts';

let seq = 0;
/** A key name no other test uses. */
const uniq = (prefix: string): string => `${prefix}-${++seq}`;

interface ListedKey {
  id: number;
  name: string;
  role: string;
  expiration?: string;
}

async function listKeys(t: InProcessTestMock, query = ''): Promise<ListedKey[]> {
  const res = await t.https().get(`/graph/api/auth/keys${query}`).set('Authorization', ADMIN_AUTH);
  expect(res.status).toBe(200);
  return res.body as ListedKey[];
}

const RFC3339_UTC_SECONDS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;

/** One mock for the file; tests use unique key names. */
let t: InProcessTestMock;
beforeAll(async () => {
  t = await startInProcessMock();
});
afterAll(() => t.close());

describe('GET /graph/api/auth/keys', () => {
  it('grafana-auth §1.5: a key that never expires is listed with fields id, name, role and no expiration', async () => {
    const name = uniq('never');
    const { id, key } = await createKey(t, name, 'Editor');
    // Used once: 9.x lists no `lastUsedAt` (added in 10.x).
    expect((await t.https().get('/v1/version').set('Authorization', `Bearer ${key}`)).status).toBe(200);
    const item = (await listKeys(t)).find((k) => k.name === name)!;
    expect(Object.keys(item)).toEqual(['id', 'name', 'role']);
    expect(item).toEqual({ id, name, role: 'Editor' });
  });

  it('grafana-auth §1.5, grafana-auth §4: a key with a TTL is listed with fields id, name, role, expiration (RFC 3339, whole seconds)', async () => {
    const name = uniq('ttl');
    const before = t.clock.nowUnix();
    const { id } = await createKey(t, name, 'Viewer', 600);
    const after = t.clock.nowUnix();
    const item = (await listKeys(t)).find((k) => k.name === name)!;
    expect(Object.keys(item)).toEqual(['id', 'name', 'role', 'expiration']);
    expect(item).toMatchObject({ id, name, role: 'Viewer' });
    expect(item.expiration).toMatch(RFC3339_UTC_SECONDS);
    const expires = Date.parse(item.expiration!) / 1000;
    expect(expires).toBeGreaterThanOrEqual(before + 600);
    expect(expires).toBeLessThanOrEqual(after + 600);
  });

  it('grafana-auth §1.5: the list is ordered by name in binary order ("B…" before "a…")', async () => {
    const lower = uniq('a-sort');
    const upper = uniq('B-sort');
    await createKey(t, lower, 'Viewer');
    await createKey(t, upper, 'Viewer');
    const names = (await listKeys(t)).map((k) => k.name);
    expect(names.indexOf(upper)).toBeGreaterThanOrEqual(0);
    expect(names.indexOf(upper)).toBeLessThan(names.indexOf(lower));
    const binary = [...names].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
    expect(names).toEqual(binary);
  });

  it('grafana-auth §1.4, grafana-auth §1.5: the secret is never listed', async () => {
    const name = uniq('secret');
    const { key } = await createKey(t, name, 'Admin');
    const k = (JSON.parse(Buffer.from(key, 'base64').toString('utf8')) as { k: string }).k;
    const res = await t.https().get('/graph/api/auth/keys').set('Authorization', ADMIN_AUTH);
    expect(res.text).not.toContain(key);
    expect(res.text).not.toContain(k);
    for (const item of res.body as ListedKey[])
      expect(Object.keys(item).every((f) => ['id', 'name', 'role', 'expiration'].includes(f))).toBe(true);
  });

  describe('includeExpired', () => {
    let expiredName: string;
    beforeAll(async () => {
      expiredName = uniq('expired');
      await createKey(t, expiredName, 'Viewer', 60);
      t.clock.advance(120);
    });

    it.each([
      { query: '?includeExpired=true', listed: true },
      { query: '?includeExpired=1', listed: true },
      { query: '?includeExpired=t', listed: true },
      { query: '?includeExpired=TRUE', listed: true },
      { query: '', listed: false },
      { query: '?includeExpired=false', listed: false },
      { query: '?includeExpired=garbage', listed: false },
      { query: '?includeExpired=yes', listed: false },
    ])('grafana-auth §1.5: an expired key with "$query" → listed $listed', async ({ query, listed }) => {
      const names = (await listKeys(t, query)).map((k) => k.name);
      expect(names.includes(expiredName)).toBe(listed);
      expect(names).toContain('seed-admin');
    });
  });
});

// A fresh mock: the limit is checked against an exactly known set of keys.
describe('GET /graph/api/auth/keys with more than 100 keys', () => {
  let fresh: InProcessTestMock;
  beforeAll(async () => {
    fresh = await startInProcessMock();
  });
  afterAll(() => fresh.close());

  it('grafana-auth §1.5: at most 100 keys are listed, the first 100 by name', async () => {
    for (let i = 0; i < 105; i++) await createKey(fresh, `bulk-${String(i).padStart(3, '0')}`, 'Viewer');
    const names = (await listKeys(fresh)).map((k) => k.name);
    expect(names).toHaveLength(100);
    // 105 bulk keys + the 3 seeded keys: "bulk-000" … "bulk-099" come first by name.
    expect(names).toEqual(Array.from({ length: 100 }, (_, i) => `bulk-${String(i).padStart(3, '0')}`));
  });
});

describe('DELETE /graph/api/auth/keys/:id', () => {
  const del = (id: string | number) => t.https().delete(`/graph/api/auth/keys/${id}`).set('Authorization', ADMIN_AUTH);

  it('grafana-auth §1.6: deleting a key → 200 "API key deleted"; deleting it again → 404', async () => {
    const { id } = await createKey(t, uniq('del'), 'Viewer');
    const first = await del(id);
    expect(first.status).toBe(200);
    expect(first.body).toEqual({ message: 'API key deleted' });
    const second = await del(id);
    expect(second.status).toBe(404);
    expect(second.body).toEqual({ message: 'Failed to delete API key', traceID: '' });
  });

  it('grafana-auth §1.6: a deleted key is no longer listed', async () => {
    const name = uniq('del-list');
    const { id } = await createKey(t, name, 'Viewer');
    expect((await del(id)).status).toBe(200);
    expect((await listKeys(t, '?includeExpired=true')).map((k) => k.name)).not.toContain(name);
  });

  it.each([{ id: 'abc' }, { id: '1.5' }, { id: '99999999999999999999' }])(
    'grafana-auth §1.6: id "$id" → 400 "id is invalid"',
    async ({ id }) => {
      const res = await del(id);
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ message: 'id is invalid', traceID: '' });
    },
  );

  it('grafana-auth §1.6: an unknown integer id → 404 "Failed to delete API key"', async () => {
    const res = await del(987654);
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ message: 'Failed to delete API key', traceID: '' });
  });

  it('grafana-auth §1.6, grafana-auth §3.2, pmm-auth §2.3: a deleted key stops authenticating (Grafana 401, PMM 401 code 16)', async () => {
    const { id, key } = await createKey(t, uniq('del-auth'), 'Admin');
    expect((await t.https().get('/graph/api/auth/key').set('Authorization', bearer(key))).status).toBe(200);
    expect((await t.https().get('/v1/version').set('Authorization', bearer(key))).status).toBe(200);
    expect((await del(id)).status).toBe(200);
    const grafana = await t.https().get('/graph/api/auth/key').set('Authorization', bearer(key));
    expect(grafana.status).toBe(401);
    expect(grafana.body).toEqual({ message: 'invalid Service Token/API key', traceID: '' });
    const pmm = await t.https().get('/v1/version').set('Authorization', bearer(key));
    expect(pmm.status).toBe(401);
    expect(pmm.text).toBe(
      `${JSON.stringify({ code: 16, error: 'invalid Service Token/API key', message: 'invalid Service Token/API key' })}\n`,
    );
  });
});

describe('GET /graph/api/auth/key (Percona)', () => {
  it.each([{ role: 'Viewer' }, { role: 'Editor' }, { role: 'Admin' }])(
    'grafana-auth §1.1: a $role key that never expires gets id, orgId, name, role',
    async ({ role }) => {
      const name = uniq(`current-${role}`);
      const { id, key } = await createKey(t, name, role);
      const res = await t.https().get('/graph/api/auth/key').set('Authorization', bearer(key));
      expect(res.status).toBe(200);
      expect(Object.keys(res.body)).toEqual(['id', 'orgId', 'name', 'role']);
      expect(res.body).toEqual({ id, orgId: 1, name, role });
    },
  );

  it('grafana-auth §1.1, grafana-auth §1.5: a key with a TTL also gets its expiration', async () => {
    const name = uniq('current-ttl');
    const { id, key } = await createKey(t, name, 'Viewer', 3600);
    const res = await t.https().get('/graph/api/auth/key').set('Authorization', bearer(key));
    expect(res.status).toBe(200);
    expect(Object.keys(res.body)).toEqual(['id', 'orgId', 'name', 'role', 'expiration']);
    expect(res.body).toEqual({
      id,
      orgId: 1,
      name,
      role: 'Viewer',
      expiration: expect.stringMatching(RFC3339_UTC_SECONDS),
    });
    const listed = (await listKeys(t)).find((k) => k.name === name)!;
    expect(res.body.expiration).toBe(listed.expiration);
  });

  it('grafana-auth §1.1: Basic api_key:<key> identifies the same key', async () => {
    const name = uniq('current-basic');
    const { id, key } = await createKey(t, name, 'Editor');
    const auth = `Basic ${Buffer.from(`api_key:${key}`).toString('base64')}`;
    const res = await t.https().get('/graph/api/auth/key').set('Authorization', auth);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ id, orgId: 1, name, role: 'Editor' });
  });

  it('grafana-auth §1.1: a Basic user (not a key) → 500 "Failed to list api keys"', async () => {
    const res = await t.https().get('/graph/api/auth/key').set('Authorization', ADMIN_AUTH);
    expect(res.status).toBe(500);
    expect(res.body).toEqual({ message: 'Failed to list api keys', traceID: '' });
  });

  it('grafana-auth §3.6: no credentials → 401 "Unauthorized"', async () => {
    const res = await t.https().get('/graph/api/auth/key');
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ message: 'Unauthorized' });
  });
});
