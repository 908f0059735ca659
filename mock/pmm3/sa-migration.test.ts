/**
 * Legacy API keys on PMM 3 (profile pmm3): the migration into service accounts on first PMM use
 * and through Percona's GET /api/auth/serviceaccount (pmm-auth §2.3, pmm-auth §4.2; grafana-auth §5.3),
 * the migration endpoints (grafana-auth §5.2), the Grafana 11.3 variant (grafana-auth §5.1) and the pmm2
 * profile's route set. One HTTPS mock; the 11.3 and pmm2 profiles run in process (app.request).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../app.ts';
import { createClock } from '../clock.ts';
import { issueLegacyKey } from '../grafana/keys.ts';
import { Journal } from '../journal.ts';
import { withGrafanaVersion } from '../profiles/index.ts';
import { pmm2 } from '../profiles/pmm2.ts';
import { pmm3 } from '../profiles/pmm3.ts';
import type { Profile } from '../profiles/types.ts';
import { cryptoRandom } from '../random.ts';
import { Store } from '../store.ts';
import {
  ADMIN_AUTH,
  ADMIN_PASSWORD,
  authLayerBody,
  basic,
  bearer,
  createKey,
  startInProcessMock,
  type InProcessTestMock,
} from '../testing/harness.ts';

const SA = '/graph/api/serviceaccounts';
const VERSION = '/v1/server/version';
/** grafana-auth §5.3: the profile of GET /:id (Percona's current-account route answers the same). */
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
/** grafana-auth §5.1: the 11.3+ answer to POST /api/auth/keys. */
const REMOVED =
  'this endpoint has been removed, please use POST /api/serviceaccounts and POST /api/serviceaccounts/{id}/tokens instead';

let t: InProcessTestMock;
beforeAll(async () => {
  t = await startInProcessMock({ profile: pmm3, seedKeys: [], seedTokens: [{ name: 'tok-admin', role: 'Admin' }] });
});
afterAll(() => t.close());
afterEach(() => t.clock.reset());

type Res = Awaited<ReturnType<ReturnType<InProcessTestMock['https']>['get']>>;
const get = (path: string, auth = ADMIN_AUTH): Promise<Res> => t.https().get(path).set('Authorization', auth);
const post = (path: string, body: unknown = {}, auth = ADMIN_AUTH): Promise<Res> =>
  t.https().post(path).set('Authorization', auth).set('Content-Type', 'application/json').send(JSON.stringify(body));

/** The accounts named exactly `name` (search, grafana-auth §5.3). */
async function accountsNamed(name: string): Promise<Record<string, unknown>[]> {
  const res = await get(`${SA}/search?query=${encodeURIComponent(name)}`);
  expect(res.status).toBe(200);
  return (res.body.serviceAccounts as Record<string, unknown>[]).filter((s) => s.name === name);
}

/** The names GET /graph/api/auth/keys lists (grafana-auth §1.5: `service_account_id IS NULL` only). */
async function listedKeys(): Promise<string[]> {
  const res = await get('/graph/api/auth/keys');
  expect(res.status).toBe(200);
  return (res.body as { name: string }[]).map((k) => k.name);
}

describe('a legacy key on its first PMM use (pmm-auth §2.3, pmm-auth §4.2; grafana-auth §5.2)', () => {
  it.each(['Viewer', 'Editor', 'Admin'])(
    'pmm-auth §2.3: a %s key → 200 on /v1/server/version, then a token of account sa-autogen-<name> with its role',
    async (role) => {
      const name = `first-use-${role.toLowerCase()}`;
      const { id, key } = await createKey(t, name, role);
      expect(await listedKeys()).toContain(name);
      expect(await accountsNamed(`sa-autogen-${name}`)).toEqual([]);
      expect((await get(VERSION, bearer(key))).status).toBe(200);
      const [sa, ...more] = await accountsNamed(`sa-autogen-${name}`);
      expect(more).toEqual([]);
      expect(sa).toMatchObject({
        name: `sa-autogen-${name}`,
        login: `sa-autogen-1-${name}`,
        orgId: 1,
        role,
        isDisabled: false,
        tokens: 1,
      });
      const tokens = await get(`${SA}/${sa!.id}/tokens`);
      expect(tokens.body).toEqual([
        expect.objectContaining({ id, name, lastUsedAt: expect.any(String), isRevoked: false }),
      ]);
      expect(await listedKeys()).not.toContain(name);
    },
  );

  it('pmm-auth §4.2: the migrated key keeps working (Bearer, Basic api_key:), keeps its role, and is not migrated twice', async () => {
    const name = 'keeps-working';
    const { key } = await createKey(t, name, 'Editor');
    for (const auth of [bearer(key), basic('api_key', key), bearer(key)])
      expect((await get(VERSION, auth)).status).toBe(200);
    // Editor < admin (pmm-auth §2.1): the role came with the key.
    const settings = await get('/v1/server/settings', basic('api_key', key));
    expect(settings.status).toBe(401);
    expect(settings.text).toBe(authLayerBody(7, 'Access denied.'));
    expect(await accountsNamed(`sa-autogen-${name}`)).toHaveLength(1);
    // Grafana itself now sees the account's token (grafana-auth §6.2: not a user).
    expect((await get('/graph/api/user', bearer(key))).status).toBe(403);
  });

  it.each([
    { path: '/v1/server/readyz', slug: 'readyz' },
    { path: '/graph/api/auth/key', slug: 'grafana' },
  ])(
    'pmm-auth §2.2, pmm-auth §2.3: a key used only on $path (none rule, or Grafana itself: no PMM role lookup) stays a plain key',
    async ({ path, slug }) => {
      const name = `not-migrated-${slug}`;
      const { key } = await createKey(t, name, 'Admin');
      expect((await get(path, bearer(key))).status).toBe(200);
      expect(await listedKeys()).toContain(name);
      expect(await accountsNamed(`sa-autogen-${name}`)).toEqual([]);
    },
  );

  it('grafana-auth §4/pmm-auth §2.3: an expired key → 401 code 16 "Expired API key" on PMM, and it is not migrated', async () => {
    const name = 'expired-legacy';
    const { key } = await createKey(t, name, 'Admin', 60);
    t.clock.advance(61);
    const res = await get(VERSION, bearer(key));
    expect(res.status).toBe(401);
    expect(res.text).toBe(authLayerBody(16, 'Expired API key'));
    expect(await accountsNamed(`sa-autogen-${name}`)).toEqual([]);
  });
});

describe("Percona's GET /graph/api/auth/serviceaccount (grafana-auth §5.3; pmm-auth §2.3)", () => {
  const current = (auth: string): Promise<Res> => get('/graph/api/auth/serviceaccount', auth);

  it('grafana-auth §5.3: with a service-account token → 200 its profile', async () => {
    const res = await current(bearer(t.mock.keys['tok-admin']!));
    expect(res.status).toBe(200);
    expect(Object.keys(res.body)).toEqual(PROFILE_KEYS);
    expect(res.body).toMatchObject({
      name: 'tok-admin',
      login: 'sa-tok-admin',
      orgId: 1,
      role: 'Admin',
      isDisabled: false,
      tokens: 1,
    });
  });

  it('grafana-auth §5.3: with a plain legacy key → 200 the new sa-autogen account (side effect), the same one on the next call', async () => {
    const name = 'asked-directly';
    const { key } = await createKey(t, name, 'Editor');
    const res = await current(bearer(key));
    expect(res.status).toBe(200);
    expect(Object.keys(res.body)).toEqual(PROFILE_KEYS);
    expect(res.body).toMatchObject({
      name: `sa-autogen-${name}`,
      login: `sa-autogen-1-${name}`,
      role: 'Editor',
      tokens: 1,
    });
    expect(await listedKeys()).not.toContain(name);
    const again = await current(basic('api_key', key));
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(res.body.id);
    expect(await accountsNamed(`sa-autogen-${name}`)).toHaveLength(1);
  });

  it('pmm-auth §2.3: with a user (Basic admin) → 400 "Auth method is not service account token"', async () => {
    const res = await current(ADMIN_AUTH);
    expect(res.status).toBe(400);
    expect(res.body.message).toBe('Auth method is not service account token');
  });

  it('grafana-auth §5.3: a key whose sa-autogen account exists already → 400 "Auth method is not API key type"; PMM → 401 code 13', async () => {
    const name = 'taken-autogen';
    expect((await post(SA, { name: `sa-autogen-${name}` })).status).toBe(201);
    const { key } = await createKey(t, name, 'Admin');
    const res = await current(bearer(key));
    expect(res.status).toBe(400);
    expect(res.body.message).toBe('Auth method is not API key type');
    // pmm-auth §2.3: a Grafana status other than 401/403 → code 13 with Grafana's message; no fallback for this text.
    const pmm = await get(VERSION, bearer(key));
    expect(pmm.status).toBe(401);
    expect(pmm.text).toBe(authLayerBody(13, 'Auth method is not API key type'));
    expect(await listedKeys()).toContain(name);
  });
});

describe('migration endpoints (grafana-auth §5.2; pmm-auth §4.2)', () => {
  beforeAll(async () => {
    // Back to the seeded state: no plain key left from the tests above.
    expect((await t.https().post('/__mock/reset').set('Content-Type', 'application/json')).status).toBe(200);
  });

  it('grafana-auth §5.2: GET /migrationstatus → 200 {"migrated": <bool>}', async () => {
    const res = await get(`${SA}/migrationstatus`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ migrated: expect.any(Boolean) });
  });

  it('grafana-auth §5.2 (11.x): POST /migrate → {total,migrated,failed,failedApikeyIDs,failedDetails}; a taken sa-autogen name fails', async () => {
    const a = await createKey(t, 'bulk-a', 'Viewer');
    await createKey(t, 'bulk-b', 'Admin');
    expect((await post(SA, { name: 'sa-autogen-bulk-c' })).status).toBe(201);
    const c = await createKey(t, 'bulk-c', 'Editor');
    const res = await post(`${SA}/migrate`);
    expect(res.status).toBe(200);
    expect(Object.keys(res.body)).toEqual(['total', 'migrated', 'failed', 'failedApikeyIDs', 'failedDetails']);
    expect(res.body).toMatchObject({ total: 3, migrated: 2, failed: 1, failedApikeyIDs: [c.id] });
    expect(res.body.failedDetails).toEqual([expect.any(String)]);
    expect(await listedKeys()).toEqual(['bulk-c']);
    expect(await accountsNamed('sa-autogen-bulk-a')).toEqual([
      expect.objectContaining({ login: 'sa-autogen-1-bulk-a', role: 'Viewer', tokens: 1 }),
    ]);
    expect(await accountsNamed('sa-autogen-bulk-b')).toEqual([expect.objectContaining({ role: 'Admin' })]);
    expect((await get(VERSION, bearer(a.key))).status).toBe(200);
  });

  it('grafana-auth §5.2: POST /migrate/:keyId → 200 "Service accounts migrated"; the key moves to its account', async () => {
    const { id, key } = await createKey(t, 'one-key', 'Admin');
    const res = await post(`${SA}/migrate/${id}`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ message: 'Service accounts migrated' });
    expect(await listedKeys()).not.toContain('one-key');
    expect(await accountsNamed('sa-autogen-one-key')).toEqual([expect.objectContaining({ role: 'Admin', tokens: 1 })]);
    expect((await get('/v1/server/settings', bearer(key))).status).toBe(200);
  });

  it('grafana-auth §5.2: POST /migrate/abc → 400 "Key ID is invalid"', async () => {
    const res = await post(`${SA}/migrate/abc`);
    expect(res.status).toBe(400);
    expect(res.body.message).toBe('Key ID is invalid');
  });

  it('grafana-auth §1.1, grafana-auth §5.2: POST /migrate as the Viewer user → 403 with accessErrorId; nothing migrated', async () => {
    await createKey(t, 'viewer-cannot', 'Viewer');
    const res = await post(`${SA}/migrate`, {}, basic('viewer', 'viewer-pw'));
    expect(res.status).toBe(403);
    expect(res.body).toMatchObject({ accessErrorId: expect.stringMatching(/^ACE\d{10}$/), title: 'Access denied' });
    expect(await listedKeys()).toContain('viewer-cannot');
  });
});

/** An in-process answer; `body` is the parsed JSON (undefined when not JSON), loose like supertest's. */
type Answer = { status: number; body: any; text: string };

/** A profile's app in process: the admin user and one key created before (as if before an upgrade). */
function inProcess(profile: Profile): {
  call: (method: string, path: string, auth?: string, body?: unknown) => Promise<Answer>;
  key: string;
} {
  const clock = createClock();
  const store = new Store();
  store.addUser({ login: 'admin', password: ADMIN_PASSWORD, orgRole: 'Admin', isGrafanaAdmin: true }, clock.nowMs());
  const { key } = issueLegacyKey(
    { store, clock, random: cryptoRandom },
    { name: 'before-upgrade', role: 'Admin', secondsToLive: 0 },
  );
  const app = createApp({ profile, store, clock, journal: new Journal(), log: () => {} });
  async function call(method: string, path: string, auth = ADMIN_AUTH, body?: unknown): Promise<Answer> {
    const headers: Record<string, string> = {
      Authorization: auth,
      ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
    };
    const res = await app.request(path, {
      method,
      headers,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    return { status: res.status, body: parsed, text };
  }
  return { call, key };
}

describe("Grafana 11.3 (withGrafanaVersion(pmm3, '11.3'), in process; grafana-auth §5.1)", () => {
  const g113 = withGrafanaVersion(pmm3, '11.3');
  if (!g113) throw new Error("profile pmm3 has no Grafana '11.3' variant");
  const app = inProcess(g113);

  it('grafana-auth §5.1: POST /graph/api/auth/keys as admin → 410 with the exact removal message; nothing created', async () => {
    const res = await app.call('POST', '/graph/api/auth/keys', ADMIN_AUTH, { name: 'too-late', role: 'Viewer' });
    expect(res.status).toBe(410);
    expect(res.text).toBe(JSON.stringify({ message: REMOVED }));
    expect((await app.call('GET', '/graph/api/auth/keys')).body.map((k: { name: string }) => k.name)).not.toContain(
      'too-late',
    );
  });

  it('grafana-auth §5.1: GET /graph/api/auth/keys still → 200, listing the key created before', async () => {
    const res = await app.call('GET', '/graph/api/auth/keys');
    expect(res.status).toBe(200);
    expect(res.body).toEqual([expect.objectContaining({ name: 'before-upgrade', role: 'Admin' })]);
  });

  it('grafana-auth §6.3, grafana-auth §5.1: GET /graph/api/health → version 11.3.0', async () => {
    const res = await app.call('GET', '/graph/api/health');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ database: 'ok', version: '11.3.0' });
  });

  it('grafana-auth §5.1: the key created before keeps authenticating (PMM and Grafana)', async () => {
    expect((await app.call('GET', VERSION, bearer(app.key))).status).toBe(200);
    expect((await app.call('GET', '/graph/api/auth/serviceaccount', bearer(app.key))).body).toMatchObject({
      name: 'sa-autogen-before-upgrade',
    });
  });

  it('grafana-auth §5.1, grafana-auth §5.3: service accounts and tokens replace it: a new token authenticates on PMM', async () => {
    const sa = await app.call('POST', SA, ADMIN_AUTH, { name: 'after-upgrade', role: 'Admin' });
    expect(sa.status).toBe(201);
    const tok = await app.call('POST', `${SA}/${sa.body.id}/tokens`, ADMIN_AUTH, { name: 'after-upgrade-token' });
    expect(tok.status).toBe(200);
    expect((await app.call('GET', '/v1/server/settings', bearer(tok.body.key))).status).toBe(200);
  });

  it('grafana-auth §5.1: the unchanged pmm3 profile reports 11.1.8 and still creates keys (the variant is separate)', () => {
    expect(pmm3.grafana.version).toBe('11.1.8');
    expect(pmm3.legacyKeyCreation).toBe('allowed');
    expect(g113.legacyKeyCreation).toBe('removed');
  });
});

describe('the pmm2 profile (Grafana 9.2) serves no service-account routes (mock scope)', () => {
  const app = inProcess(pmm2);

  it.each([
    ['GET', `${SA}/search`],
    ['POST', SA],
    ['GET', `${SA}/migrationstatus`],
    ['POST', `${SA}/migrate`],
    ['GET', '/graph/api/auth/serviceaccount'],
  ])("mock scope: pmm2 %s %s → Grafana's 404", async (method, path) => {
    const res = await app.call(method, path, ADMIN_AUTH, method === 'POST' ? { name: 'x' } : undefined);
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ message: 'Not found' });
  });

  it('control: pmm2 still serves /graph/api/auth/keys to the same admin (200)', async () => {
    expect((await app.call('GET', '/graph/api/auth/keys')).status).toBe(200);
  });
});
