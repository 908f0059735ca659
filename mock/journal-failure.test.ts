/**
 * The journal's `failure` field: why authentication failed, one value per cause, even where the
 * product answers two causes with the same body (grafana-auth §3.2, grafana-auth §3.5,
 * grafana-auth §6.1, pmm-auth §1.4). In process (app.request).
 */
import { describe, expect, it } from 'vitest';
import { createApp } from './app.ts';
import { createClock } from './clock.ts';
import { issueLegacyKey } from './grafana/keys.ts';
import { createServiceAccount } from './grafana/service-accounts.ts';
import { issueServiceAccountToken } from './grafana/sa-tokens.ts';
import { newPrefixedKey, prefixedKeyChecksum } from './identity/key-codec.ts';
import { AUTH_FAILURES, Journal, type AuthFailure } from './journal.ts';
import { pmm2 } from './profiles/pmm2.ts';
import { pmm3 } from './profiles/pmm3.ts';
import type { Profile } from './profiles/types.ts';
import { seededRandom } from './random.ts';
import { Store } from './store.ts';

const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');
const basicOf = (s: string) => `Basic ${b64(s)}`;

function mock(profile: Profile) {
  const store = new Store();
  const clock = createClock();
  const random = seededRandom(`failure-${profile.name}`);
  store.addUser({ login: 'admin', password: 'admin-pw', orgRole: 'Admin', isGrafanaAdmin: true }, clock.nowMs());
  store.addUser({ login: 'viewer', password: 'viewer-pw', orgRole: 'Viewer' }, clock.nowMs());
  const deps = { store, clock, random };
  const viewerKey = issueLegacyKey(deps, { name: 'k-viewer', role: 'Viewer', secondsToLive: 0 }).key;
  const shortKey = issueLegacyKey(deps, { name: 'k-short', role: 'Admin', secondsToLive: 5 }).key;
  const journal = new Journal();
  const app = createApp({ profile, store, clock, journal, random, log: () => {} });
  const send = async (path: string, auth?: string, method = 'GET') => {
    const res = await app.request(path, { method, headers: auth === undefined ? {} : { Authorization: auth } });
    const e = journal.list().at(-1)!;
    if (e.failure) seen.add(e.failure);
    return { status: res.status, failure: e.failure };
  };
  return { store, clock, random, app, send, viewerKey, shortKey };
}

/** A legacy key for an existing name with another secret (grafana-auth §2.1). */
const withSecret = (key: string, secret: string) => {
  const k = JSON.parse(Buffer.from(key, 'base64').toString('utf8')) as { k: string; n: string; id: number };
  return b64(JSON.stringify({ ...k, k: secret }));
};
const unknownKey = b64(JSON.stringify({ k: 'x'.repeat(32), n: 'no-such-key', id: 1 }));
/** The failures this file saw: every value of the enum must be among them. */
const seen = new Set<AuthFailure>();
const BAD_CHECKSUM = 'glsa_yscW25imSKJIuav8zF37RZmnbiDvB05G_fcaaf58b';

describe('journal failure (pmm2, /v1/version: the auth layer asks Grafana)', () => {
  it.each<{
    id: string;
    failure: AuthFailure | null;
    auth: (m: ReturnType<typeof mock>) => string | undefined;
    path?: string;
    status: number;
  }>([
    { id: 'authenticated', failure: null, auth: (m) => `Bearer ${m.viewerKey}`, status: 200 },
    { id: 'no-check', failure: null, auth: () => 'Basic !!!', path: '/v1/readyz', status: 200 },
    { id: 'no-credentials', failure: 'no credentials', auth: () => undefined, status: 401 },
    { id: 'invalid-basic-header', failure: 'invalid basic header', auth: () => 'Basic !!!', status: 401 },
    { id: 'malformed-key', failure: 'malformed key', auth: () => 'Bearer not-a-key', status: 401 },
    { id: 'malformed-glsa', failure: 'malformed key', auth: () => 'Bearer glsa_two_parts_four', status: 401 },
    { id: 'bad-checksum', failure: 'bad checksum', auth: () => `Bearer ${BAD_CHECKSUM}`, status: 401 },
    { id: 'unknown-key', failure: 'unknown key', auth: () => `Bearer ${unknownKey}`, status: 401 },
    {
      id: 'wrong-secret',
      failure: 'wrong secret',
      auth: (m) => `Bearer ${withSecret(m.viewerKey, 'y'.repeat(32))}`,
      status: 401,
    },
    { id: 'unknown-user', failure: 'unknown user', auth: () => basicOf('nobody:pw'), status: 401 },
    { id: 'wrong-password', failure: 'wrong password', auth: () => basicOf('viewer:nope'), status: 401 },
    { id: 'empty-password', failure: 'empty password', auth: () => basicOf('viewer:'), status: 401 },
    {
      id: 'role-too-low',
      failure: 'role too low',
      auth: (m) => `Bearer ${m.viewerKey}`,
      path: '/v1/Settings/Get',
      status: 401,
    },
  ])('grafana-auth §3.2, pmm-auth §1.4: $id → failure $failure', async ({ failure, auth, path, status }) => {
    const m = mock(pmm2);
    const res = await m.send(path ?? '/v1/version', auth(m), path === '/v1/Settings/Get' ? 'POST' : 'GET');
    expect(res).toEqual({ status, failure });
  });

  it('grafana-auth §3.2: an unknown key and a wrong secret get the same body but different failures', async () => {
    const m = mock(pmm2);
    const a = await m.app.request('/v1/version', { headers: { Authorization: `Bearer ${unknownKey}` } });
    const b = await m.app.request('/v1/version', {
      headers: { Authorization: `Bearer ${withSecret(m.viewerKey, 'y'.repeat(32))}` },
    });
    expect(await a.text()).toBe(await b.text());
  });

  it('grafana-auth §4: expired', async () => {
    const m = mock(pmm2);
    m.clock.advance(10);
    expect(await m.send('/v1/version', `Bearer ${m.shortKey}`)).toEqual({ status: 401, failure: 'expired' });
  });

  it('grafana-auth §6.1: locked out after five wrong passwords, even with the right one', async () => {
    const m = mock(pmm2);
    for (let i = 0; i < 5; i++) await m.send('/v1/version', basicOf('viewer:nope'));
    expect(await m.send('/v1/version', basicOf('viewer:viewer-pw'))).toEqual({ status: 401, failure: 'locked out' });
  });
});

describe('journal failure (Grafana under /graph)', () => {
  it.each<{
    id: string;
    failure: AuthFailure | null;
    auth: (m: ReturnType<typeof mock>) => string | undefined;
    path: string;
    status: number;
  }>([
    {
      id: 'no-credentials',
      failure: 'no credentials',
      auth: () => undefined,
      path: '/graph/api/auth/keys',
      status: 401,
    },
    { id: 'no-credentials-ui', failure: 'no credentials', auth: () => undefined, path: '/graph/d/x', status: 302 },
    { id: 'no-check-health', failure: null, auth: () => 'Basic !!!', path: '/graph/api/health', status: 200 },
    {
      id: 'wrong-secret',
      failure: 'wrong secret',
      auth: (m) => `Bearer ${withSecret(m.viewerKey, 'y'.repeat(32))}`,
      path: '/graph/api/user',
      status: 401,
    },
    {
      id: 'role-too-low',
      failure: 'role too low',
      auth: (m) => `Bearer ${m.viewerKey}`,
      path: '/graph/api/auth/keys',
      status: 403,
    },
    {
      id: 'not-an-auth-failure',
      failure: null,
      auth: (m) => `Bearer ${m.viewerKey}`,
      path: '/graph/api/user',
      status: 404,
    },
  ])('grafana-auth §3.6, grafana-auth §1.1: $id → failure $failure', async ({ failure, auth, path, status }) => {
    const m = mock(pmm2);
    expect(await m.send(path, auth(m))).toEqual({ status, failure });
  });
});

describe('journal failure (pmm3: service accounts)', () => {
  function withAccount(m: ReturnType<typeof mock>, isDisabled: boolean) {
    const sa = createServiceAccount(m, { name: 'sa-x', role: 'Admin', isDisabled });
    return issueServiceAccountToken(m, sa, { name: 't-x', secondsToLive: 0 }).key;
  }

  it('grafana-auth §3.5: disabled service account', async () => {
    const m = mock(pmm3);
    const token = withAccount(m, true);
    expect(await m.send('/v1/server/version', basicOf(`service_token:${token}`))).toEqual({
      status: 401,
      failure: 'disabled service account',
    });
  });

  it('grafana-auth §3.2: missing service account (500)', async () => {
    const m = mock(pmm3);
    const token = 'glsa_' + 'a'.repeat(32);
    const full = `${token}_${prefixedKeyChecksum('sa', 'a'.repeat(32))}`;
    m.store.addToken(
      { orgId: 1, name: 'orphan', role: 'Viewer', expires: null, createdMs: m.clock.nowMs(), serviceAccountId: 999 },
      full,
    );
    expect(await m.send('/graph/api/user', `Bearer ${full}`)).toEqual({
      status: 500,
      failure: 'missing service account',
    });
  });

  it('pmm-auth §2.3 (3.x): a token from Basic service_token: that is unknown', async () => {
    const m = mock(pmm3);
    expect(
      await m.send('/v1/server/version', basicOf(`service_token:${newPrefixedKey(seededRandom('unknown'))}`)),
    ).toEqual({ status: 401, failure: 'unknown key' });
  });
});

describe('journal failure: basic auth disabled (auth-bugs §B9)', () => {
  it('Basic users and api_key: are refused as "basic auth disabled", Bearer passes', async () => {
    const m = mock(pmm2);
    const journal = new Journal();
    const off = createApp({
      profile: pmm2,
      store: m.store,
      clock: m.clock,
      journal,
      random: m.random,
      basicAuthEnabled: false,
      log: () => {},
    });
    const res = await off.request('/graph/api/user', { headers: { Authorization: basicOf('admin:admin-pw') } });
    const failure = journal.list().at(-1)!.failure!;
    seen.add(failure);
    expect([res.status, failure]).toEqual([400, 'basic auth disabled']);
    await off.request('/graph/api/auth/key', { headers: { Authorization: `Bearer ${m.viewerKey}` } });
    expect(journal.list().at(-1)!.failure).toBeNull();
  });
});

describe('journal failure: sessions (issue 17)', () => {
  it('a made-up or logged-out grafana_session cookie is "unknown session", one unused for 7 days "expired session"', async () => {
    const m = mock(pmm2);
    const journal = new Journal();
    const app = createApp({ profile: pmm2, store: m.store, clock: m.clock, journal, random: m.random, log: () => {} });
    const user = (cookie: string) => app.request('/graph/api/user', { headers: { Cookie: cookie } });
    const failure = () => journal.list().at(-1)!.failure!;
    expect((await user('grafana_session=0123abcd')).status).toBe(401);
    expect(failure()).toBe('unknown session');
    seen.add(failure());
    const login = await app.request('/graph/login', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: '{"user":"viewer","password":"viewer-pw"}',
    });
    const cookie = /^grafana_session=[0-9a-f]+/.exec(login.headers.get('set-cookie')!)![0];
    expect((await user(cookie)).status).toBe(200);
    m.clock.advance(7 * 24 * 3600);
    expect((await user(cookie)).status).toBe(401);
    expect(failure()).toBe('expired session');
    seen.add(failure());
  });
});

describe('journal failure: coverage', () => {
  it('README "Journal": every value of the failure enum is produced by a case above', () => {
    expect([...seen].sort()).toEqual([...AUTH_FAILURES].sort());
  });
});
