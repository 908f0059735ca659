/**
 * Service-account tokens under /graph/api/serviceaccounts/:id/tokens on the pmm3 profile
 * (grafana-auth §5.3): the `glsa_` format and its CRC-32 checksum (grafana-auth §2.2), the list item and
 * expiry against the mock's clock (grafana-auth §4), the one unique name index shared with legacy keys
 * (grafana-auth §1.3), deletion, and the legacy-key routes that never see tokens (grafana-auth §1.5, grafana-auth §1.6).
 * The clock is pinned (a fixed base): only the tests move it, and they put it back.
 */
import { crc32 } from 'node:zlib';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createClock } from '../clock.ts';
import { pmm3 } from '../profiles/pmm3.ts';
import {
  ADMIN_AUTH,
  authLayerBody,
  bearer,
  createKey,
  startInProcessMock,
  type InProcessTestMock,
} from '../testing/harness.ts';

const SA = '/graph/api/serviceaccounts';
/**
 * A whole second of the real time. Never a far-off base: the mock dates (and may regenerate) its
 * shared certificate by this clock.
 */
const BASE_MS = Math.floor(Date.now() / 1000) * 1000;
/** grafana-auth §2.2: `glsa_` + 32 alphanumerics + `_` + 8 lower-case hex = 46 characters. */
const TOKEN_FORMAT = /^glsa_[0-9A-Za-z]{32}_[0-9a-f]{8}$/;
/** grafana-auth §4: the list item fields, in this order. */
const ITEM_KEYS = [
  'id',
  'name',
  'created',
  'lastUsedAt',
  'expiration',
  'secondsUntilExpiration',
  'hasExpired',
  'isRevoked',
];
const DAY_S = 24 * 3600;

let t: InProcessTestMock;
beforeAll(async () => {
  t = await startInProcessMock({ profile: pmm3, clock: createClock(() => BASE_MS) });
});
afterAll(() => t.close());
afterEach(() => t.clock.reset());

type Res = Awaited<ReturnType<ReturnType<InProcessTestMock['https']>['get']>>;

const get = (path: string, auth = ADMIN_AUTH): Promise<Res> => t.https().get(path).set('Authorization', auth);
const del = (path: string): Promise<Res> => t.https().delete(path).set('Authorization', ADMIN_AUTH);

function post(path: string, body: unknown): Promise<Res> {
  return t
    .https()
    .post(path)
    .set('Authorization', ADMIN_AUTH)
    .set('Content-Type', 'application/json')
    .send(JSON.stringify(body));
}

let seq = 0;
/** A new Admin account, named uniquely; returns its id. */
async function account(label: string): Promise<number> {
  const res = await post(SA, { name: `${label}-${++seq}`, role: 'Admin' });
  if (res.status !== 201) throw new Error(`creating account ${label}: ${res.status} ${res.text}`);
  return res.body.id as number;
}

async function token(
  saId: number,
  name: string,
  secondsToLive?: number,
): Promise<{ id: number; name: string; key: string }> {
  const res = await post(`${SA}/${saId}/tokens`, secondsToLive === undefined ? { name } : { name, secondsToLive });
  if (res.status !== 200) throw new Error(`creating token ${name}: ${res.status} ${res.text}`);
  return res.body;
}

async function listItem(saId: number, name: string): Promise<Record<string, unknown>> {
  const res = await get(`${SA}/${saId}/tokens`);
  expect(res.status).toBe(200);
  const item = (res.body as { name: string }[]).find((k) => k.name === name);
  if (!item) throw new Error(`token ${name} not listed: ${res.text}`);
  return item;
}

/** grafana-auth §2.2, computed here: CRC-32 (IEEE) of `glsa_<secret>`, 4 bytes little-endian, hex. */
function checksumOf(secret: string): string {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(crc32(`glsa_${secret}`));
  return b.toString('hex');
}

/** grafana-auth §5.3 (11.x): an errutil error from a route handler (grafana-auth §7: no `extra`). */
function expectTyped(res: Res, status: number, message: string, messageId: string): void {
  expect(res.status).toBe(status);
  expect(res.body).toEqual({ message, messageId, statusCode: status, traceID: '' });
  expect(Object.keys(res.body)).toEqual(['message', 'messageId', 'statusCode', 'traceID']);
}

describe('POST /:id/tokens (grafana-auth §5.3, grafana-auth §2.2)', () => {
  it('grafana-auth §5.3: {"name"} → 200 {id,name,key} in that order; the key is a 46-char glsa_ token', async () => {
    const sa = await account('fmt');
    const res = await post(`${SA}/${sa}/tokens`, { name: 'fmt-token' });
    expect(res.status).toBe(200);
    expect(Object.keys(res.body)).toEqual(['id', 'name', 'key']);
    expect(res.body).toMatchObject({ id: expect.any(Number), name: 'fmt-token' });
    expect(res.body.key).toMatch(TOKEN_FORMAT);
    expect(res.body.key).toHaveLength(46);
  });

  it('grafana-auth §2.2: the checksum of 5 fresh tokens is CRC-32 of "glsa_<secret>", little-endian hex', async () => {
    const sa = await account('crc');
    const keys = await Promise.all([1, 2, 3, 4, 5].map(async (i) => (await token(sa, `crc-token-${i}`)).key));
    expect(new Set(keys).size).toBe(5);
    for (const key of keys) {
      const [, secret, checksum] = key.split('_') as [string, string, string];
      expect(checksum).toBe(checksumOf(secret));
    }
  });

  it('grafana-auth §2.2: the test vector glsa_yscW…B05G has checksum fcaaf58a (the helper agrees with Grafana)', () => {
    expect(checksumOf('yscW25imSKJIuav8zF37RZmnbiDvB05G')).toBe('fcaaf58a');
  });

  it.each([
    { label: 'another token', first: 'token' as const },
    { label: 'a legacy API key', first: 'key' as const },
  ])(
    'grafana-auth §5.3, grafana-auth §1.3: a name taken by $label → 400 typed serviceaccounts.ErrTokenAlreadyExists',
    async ({ first }) => {
      const name = `dup-${first}`;
      if (first === 'key') await createKey(t, name, 'Viewer');
      else await token(await account('dup-other'), name);
      const sa = await account('dup');
      const res = await post(`${SA}/${sa}/tokens`, { name });
      expectTyped(
        res,
        400,
        'service account token with given name already exists in the organization',
        'serviceaccounts.ErrTokenAlreadyExists',
      );
      expect(await get(`${SA}/${sa}/tokens`).then((r) => r.body)).toEqual([]);
    },
  );

  it("grafana-auth §1.3: POST /graph/api/auth/keys with a token's name → 409 (one unique index)", async () => {
    await token(await account('idx'), 'idx-token');
    const res = await post('/graph/api/auth/keys', { name: 'idx-token', role: 'Viewer' });
    expect(res.status).toBe(409);
    expect(res.body).toEqual({ message: 'API key, organization ID and name must be unique' });
  });

  it('grafana-auth §5.3 (11.x): secondsToLive -1 → 400 typed serviceaccounts.ErrInvalidInput', async () => {
    const sa = await account('neg');
    const res = await post(`${SA}/${sa}/tokens`, { name: 'neg-token', secondsToLive: -1 });
    expectTyped(res, 400, 'invalid SecondsToLive value', 'serviceaccounts.ErrInvalidInput');
    expect((await get(`${SA}/${sa}/tokens`)).body).toEqual([]);
  });

  it.each([
    { label: 'no name', body: {} },
    { label: 'an empty name', body: { name: '' } },
    { label: 'a fractional secondsToLive', body: { name: 'frac', secondsToLive: 1.5 } },
  ])('grafana-auth §5.3: $label → 400 "Bad request data"', async ({ body }) => {
    const res = await post(`${SA}/${await account('bind')}/tokens`, body);
    expect(res.status).toBe(400);
    expect(res.body.message).toBe('Bad request data');
  });

  it('grafana-auth §5.3: POST /abc/tokens (id not an integer) → 400 "Service Account ID is invalid"', async () => {
    const res = await post(`${SA}/abc/tokens`, { name: 'abc-token' });
    expect(res.status).toBe(400);
    expect(res.body.message).toBe('Service Account ID is invalid');
  });

  it('grafana-auth §5.3: an unknown account → 404 "Failed to retrieve service account" (checked before the body)', async () => {
    const res = await t
      .https()
      .post(`${SA}/999999/tokens`)
      .set('Authorization', ADMIN_AUTH)
      .set('Content-Type', 'application/json')
      .send('not json');
    expect(res.status).toBe(404);
    expect(res.body.message).toBe('Failed to retrieve service account');
  });
});

describe('GET /:id/tokens and expiry (grafana-auth §4)', () => {
  it('grafana-auth §4: a never-expiring token → fields in order; lastUsedAt, expiration null; 0; false; false', async () => {
    const sa = await account('list');
    const { id } = await token(sa, 'list-token');
    const item = await listItem(sa, 'list-token');
    expect(Object.keys(item)).toEqual(ITEM_KEYS);
    expect(item).toEqual({
      id,
      name: 'list-token',
      created: new Date(BASE_MS).toISOString().replace('.000Z', 'Z'),
      lastUsedAt: null,
      expiration: null,
      secondsUntilExpiration: 0,
      hasExpired: false,
      isRevoked: false,
    });
  });

  it('grafana-auth §3.3, grafana-auth §4: lastUsedAt is null before use and the clock time of the last use after it', async () => {
    const sa = await account('used');
    const { key } = await token(sa, 'used-token');
    expect((await listItem(sa, 'used-token')).lastUsedAt).toBeNull();
    t.clock.advance(90);
    expect((await get('/v1/server/version', bearer(key))).status).toBe(200);
    expect((await listItem(sa, 'used-token')).lastUsedAt).toBe(
      new Date(BASE_MS + 90_000).toISOString().replace('.000Z', 'Z'),
    );
  });

  it('grafana-auth §4: secondsToLive 3600 → expiration now+3600, secondsUntilExpiration 3600 then 1 after 3599 s', async () => {
    const sa = await account('soon');
    await token(sa, 'soon-token', 3600);
    const item = await listItem(sa, 'soon-token');
    expect(item.expiration).toBe(new Date(BASE_MS + 3_600_000).toISOString().replace('.000Z', 'Z'));
    expect(item).toMatchObject({ secondsUntilExpiration: 3600, hasExpired: false });
    t.clock.advance(3599);
    expect(await listItem(sa, 'soon-token')).toMatchObject({ secondsUntilExpiration: 1, hasExpired: false });
  });

  it('grafana-auth §4: an expiry 8 days away → secondsUntilExpiration 0 (only within 7 days)', async () => {
    const sa = await account('far');
    await token(sa, 'far-token', 8 * DAY_S);
    expect(await listItem(sa, 'far-token')).toMatchObject({
      secondsUntilExpiration: 0,
      hasExpired: false,
      expiration: expect.any(String),
    });
    t.clock.advance(DAY_S + 1);
    expect((await listItem(sa, 'far-token')).secondsUntilExpiration).toBe(7 * DAY_S - 1);
  });

  it.each([
    { label: '1 s before expiry', offset: -1, status: 200, hasExpired: false },
    { label: 'at the expiry second (expires == now)', offset: 0, status: 401, hasExpired: false },
    { label: '1 s after expiry', offset: 1, status: 401, hasExpired: true },
  ])(
    'grafana-auth §4: a token with secondsToLive 60, $label → $status on PMM and Grafana, hasExpired $hasExpired',
    async ({ label, offset, status, hasExpired }) => {
      const sa = await account('ttl');
      const name = `ttl-token-${label.replaceAll(' ', '-')}`;
      const { key } = await token(sa, name, 60);
      t.clock.advance(60 + offset);
      const pmm = await get('/v1/server/version', bearer(key));
      const grafana = await get('/graph/api/auth/key', bearer(key));
      expect(pmm.status).toBe(status);
      expect(grafana.status).toBe(status);
      if (status === 401) {
        expect(pmm.text).toBe(authLayerBody(16, 'Expired API key'));
        expect(grafana.body).toEqual({
          extra: null,
          message: 'Expired API key',
          messageId: 'api-key.expired',
          statusCode: 401,
          traceID: '',
        });
      }
      expect(await listItem(sa, name)).toMatchObject({ hasExpired, secondsUntilExpiration: offset < 0 ? 1 : 0 });
    },
  );
});

describe('DELETE /:id/tokens/:tokenId and the legacy-key routes (grafana-auth §5.3, grafana-auth §1.5, grafana-auth §1.6)', () => {
  it('grafana-auth §5.3: DELETE → 200 "Service account token deleted"; the token stops authenticating; again → 404', async () => {
    const sa = await account('del');
    const { id, key } = await token(sa, 'del-token');
    expect((await get('/v1/server/version', bearer(key))).status).toBe(200);
    const res = await del(`${SA}/${sa}/tokens/${id}`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ message: 'Service account token deleted' });
    expect(await get(`${SA}/${sa}/tokens`).then((r) => r.body)).toEqual([]);
    const pmm = await get('/v1/server/version', bearer(key));
    expect(pmm.status).toBe(401);
    expect(pmm.body.code).toBe(16);
    const again = await del(`${SA}/${sa}/tokens/${id}`);
    expect(again.status).toBe(404);
    expect(again.body.message).toBe('Failed to delete service account token');
  });

  it("grafana-auth §5.3: account A's token through account B → 404; A's token still listed and working", async () => {
    const a = await account('owner-a');
    const b = await account('owner-b');
    const { id, key } = await token(a, 'owned-by-a');
    const res = await del(`${SA}/${b}/tokens/${id}`);
    expect(res.status).toBe(404);
    expect(res.body.message).toBe('Failed to delete service account token');
    expect((await listItem(a, 'owned-by-a')).id).toBe(id);
    expect((await get('/v1/server/version', bearer(key))).status).toBe(200);
  });

  it('grafana-auth §1.6: DELETE /graph/api/auth/keys/<token id> → 404 "Failed to delete API key"; the token still works', async () => {
    const sa = await account('via-keys');
    const { id, key } = await token(sa, 'via-keys-token');
    const res = await del(`/graph/api/auth/keys/${id}`);
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ message: 'Failed to delete API key', traceID: '' });
    expect((await get('/v1/server/version', bearer(key))).status).toBe(200);
  });

  it('grafana-auth §1.5: GET /graph/api/auth/keys (also with includeExpired) lists legacy keys but no token', async () => {
    await createKey(t, 'listed-legacy', 'Viewer');
    await token(await account('unlisted'), 'unlisted-token');
    for (const query of ['', '?includeExpired=true']) {
      const res = await get(`/graph/api/auth/keys${query}`);
      expect(res.status).toBe(200);
      const names = (res.body as { name: string }[]).map((k) => k.name);
      expect(names).toContain('listed-legacy');
      expect(names.filter((n) => n.includes('token'))).toEqual([]);
    }
  });
});
