/**
 * The caller's Authorization is parsed exactly once per request (mock/identity/credentials.ts),
 * whichever layers read it (pmm-auth §2.3, grafana-auth §3.1), and the journal's credential is a
 * function of the request alone. In process (app.request).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createApp } from '../app.ts';
import { createClock } from '../clock.ts';
import { issueLegacyKey } from '../grafana/keys.ts';
import { createServiceAccount } from '../grafana/service-accounts.ts';
import { issueServiceAccountToken } from '../grafana/sa-tokens.ts';
import { Journal } from '../journal.ts';
import { pmm2 } from '../profiles/pmm2.ts';
import { pmm3 } from '../profiles/pmm3.ts';
import type { Profile } from '../profiles/types.ts';
import { seededRandom } from '../random.ts';
import { Store } from '../store.ts';
import { credentialParser, parseCredentials } from './credentials.ts';

const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');
const basicOf = (s: string) => `Basic ${b64(s)}`;

function appWith(profile: Profile) {
  const store = new Store();
  const clock = createClock();
  const random = seededRandom(`credentials-${profile.name}`);
  store.addUser({ login: 'admin', password: 'admin-pw', orgRole: 'Admin', isGrafanaAdmin: true }, clock.nowMs());
  store.addUser({ login: 'viewer', password: 'viewer-pw', orgRole: 'Viewer' }, clock.nowMs());
  const legacy = issueLegacyKey({ store, clock, random }, { name: 'k-admin', role: 'Admin', secondsToLive: 0 }).key;
  const sa = profile.serviceAccounts
    ? createServiceAccount({ store, clock }, { name: 'sa-admin', role: 'Admin' })
    : undefined;
  const token = sa
    ? issueServiceAccountToken({ store, clock, random }, sa, { name: 't-admin', secondsToLive: 0 }).key
    : legacy;
  const journal = new Journal();
  const app = createApp({ profile, store, clock, journal, random, log: () => {} });
  return { app, journal, legacy, token };
}

afterEach(() => vi.restoreAllMocks());

describe('one parse of Authorization per request', () => {
  const PROFILES = [
    { profile: pmm2, version: '/v1/version' },
    { profile: pmm3, version: '/v1/server/version' },
  ];
  const SENDS = [
    { id: 'bearer', auth: (k: { token: string }) => `Bearer ${k.token}` },
    { id: 'basic-api-key', auth: (k: { token: string }) => basicOf(`api_key:${k.token}`) },
    { id: 'basic-service-token', auth: (k: { token: string }) => basicOf(`service_token:${k.token}`) },
    { id: 'user-basic', auth: () => basicOf('viewer:viewer-pw') },
    { id: 'wrong-password', auth: () => basicOf('viewer:nope') },
    { id: 'invalid-basic', auth: () => 'Basic !!!' },
    { id: 'none', auth: () => undefined },
  ];
  // The auth layer (a viewer path, an unlisted path), Grafana's context + handler, a path with role none.
  const PATHS = (version: string) => [
    version,
    '/v1/unlisted',
    '/graph/api/auth/key',
    '/graph/api/user',
    '/graph/api/auth/keys',
    '/v1/readyz',
    '/graph/d/x',
  ];

  for (const { profile, version } of PROFILES) {
    it.each(SENDS)(
      `pmm-auth §2.3, grafana-auth §3.1: ${profile.name}, $id → one parse per request on every layer`,
      async ({ auth }) => {
        const { app, journal, legacy, token } = appWith(profile);
        const parse = vi.spyOn(credentialParser, 'parse');
        for (const keys of [{ token }, { token: legacy }]) {
          const header = auth(keys);
          for (const path of PATHS(version)) {
            parse.mockClear();
            await app.request(path, { headers: header === undefined ? {} : { Authorization: header } });
            expect(parse, `${path}`).toHaveBeenCalledTimes(1);
          }
        }
        // The journal's credential depends on what was sent, never on the path or the layer that ran.
        const kinds = new Set(journal.list().map((e) => JSON.stringify(e.credential)));
        expect(kinds.size).toBeLessThanOrEqual(2); // one per key sent (token, legacy key)
      },
    );
  }

  it('mock/identity: no other mock source reads the Authorization header', () => {
    const files = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', 'mock'], {
      encoding: 'utf8',
    })
      .split('\n')
      .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && !f.startsWith('mock/testing/'));
    const readers = files.filter((f) =>
      /header\(\s*['"]authorization['"]|headers\.get\(\s*['"]authorization['"]|['"]authorization['"]\s*\)/i.test(
        readFileSync(f, 'utf8'),
      ),
    );
    expect(readers).toEqual(['mock/pmm/request.ts']);
  });
});

describe("parseCredentials: each layer's view of one header", () => {
  const lines = (h?: string) => ({ lines: h === undefined ? [] : [h], query: () => undefined });
  it.each([
    { id: 'bearer', header: 'Bearer abc', grafana: 'apiKey', apiKeyAuth: true, token: 'abc', journal: 'bearer' },
    { id: 'bearer-empty', header: 'Bearer ', grafana: 'invalidBasic', apiKeyAuth: true, token: '', journal: 'invalid' },
    {
      id: 'bearer-glued',
      header: 'Bearerabc',
      grafana: 'invalidBasic',
      apiKeyAuth: true,
      token: '',
      journal: 'invalid',
    },
    {
      id: 'basic-api-key',
      header: basicOf('api_key:abc'),
      grafana: 'apiKey',
      apiKeyAuth: true,
      token: 'abc',
      journal: 'basic-api-key',
    },
    {
      id: 'basic-service-token-pmm2',
      header: basicOf('service_token:abc'),
      grafana: 'basic',
      apiKeyAuth: false,
      token: '',
      journal: 'basic-user',
    },
    { id: 'user', header: basicOf('viewer:pw'), grafana: 'basic', apiKeyAuth: false, token: '', journal: 'basic-user' },
    { id: 'none', header: undefined, grafana: 'none', apiKeyAuth: false, token: '', journal: 'none' },
  ])('pmm-auth §2.3, grafana-auth §3.1: pmm2 $id', ({ header, grafana, apiKeyAuth, token, journal }) => {
    const c = parseCredentials(lines(header), pmm2);
    expect({
      grafana: c.grafana.kind,
      apiKeyAuth: c.pmm.apiKeyAuth,
      token: c.pmm.token,
      journal: c.journal.kind,
    }).toEqual({ grafana, apiKeyAuth, token, journal });
  });

  it('pmm-auth §2.3 (3.x): pmm3 takes a token from Basic service_token: (Grafana reads a user login; the journal a key)', () => {
    const c = parseCredentials(lines(basicOf('service_token:abc')), pmm3);
    expect(c.grafana).toEqual({ kind: 'basic', login: 'service_token', password: 'abc' });
    expect(c.pmm.token).toBe('abc');
    expect(c.journal).toMatchObject({ kind: 'basic-api-key', login: 'service_token' });
  });

  it.each([
    ['no Authorization', undefined, 'a=1; grafana_session=abc%20d; grafana_session=second', 'session'],
    ['a Bearer key', 'Bearer k', 'grafana_session=abc', 'apiKey'],
    ['Basic credentials', basicOf('viewer:pw'), 'grafana_session=abc', 'basic'],
    ['an invalid header', 'bearer x', 'grafana_session=abc', 'invalidBasic'],
    ['an empty cookie value', undefined, 'grafana_session=', 'none'],
  ])(
    'issue 17, grafana-auth §3.1: with %s the grafana_session cookie is read only when no header credential came',
    (_l, header, cookie, kind) => {
      const c = parseCredentials({ ...lines(header), cookie }, pmm2);
      expect(c.grafana.kind).toBe(kind);
      if (kind === 'session') {
        // Go's Request.Cookie: the first of that name, its value query-unescaped; the journal has a fingerprint only.
        expect(c.grafana).toEqual({ kind: 'session', token: 'abc d' });
        expect(c.journal).toEqual({
          kind: 'session',
          keyPrefix: 'a',
          keyFingerprint: expect.stringMatching(/^sha256:/),
        });
        expect(c.pmm).toEqual({ apiKeyAuth: false, token: '' });
      }
    },
  );

  it('several Authorization lines are read joined with ", " (as the Fetch Headers object joins them)', () => {
    const c = parseCredentials({ lines: ['Bearer a', 'Bearer b'], query: () => undefined }, pmm2);
    expect(c.lines).toBe(2);
    expect(c.grafana).toEqual({ kind: 'apiKey', via: 'bearer', key: 'a, Bearer b' });
  });
});

describe('parseCredentials memo (issue 15)', () => {
  const none = () => undefined;
  it('tells no Authorization line from one empty line, and answers repeated headers alike', () => {
    expect(parseCredentials({ lines: [], query: none }, pmm2).lines).toBe(0);
    expect(parseCredentials({ lines: [''], query: none }, pmm2).lines).toBe(1);
    expect(parseCredentials({ lines: ['', ''], query: none }, pmm2).lines).toBe(2);
    const a = parseCredentials({ lines: ['Bearer x', 'Bearer y'], query: none }, pmm2);
    expect(parseCredentials({ lines: ['Bearer x', 'Bearer y'], query: none }, pmm2)).toEqual(a);
    expect(parseCredentials({ lines: ['Bearer x, Bearer y'], query: none }, pmm2).lines).toBe(1);
  });

  it('a session cookie is read on every request: the same header with and without one parses apart', () => {
    expect(parseCredentials({ lines: [], query: none }, pmm2).grafana.kind).toBe('none');
    const withCookie = { lines: [], query: none, cookie: 'grafana_session=0123456789abcdef0123456789abcdef' };
    expect(parseCredentials(withCookie, pmm2).grafana.kind).toBe('session');
    expect(parseCredentials({ lines: [], query: none }, pmm2).grafana.kind).toBe('none');
  });

  it('reads the query every time when the profile takes a key from it (nothing memoized across requests)', () => {
    const profile: Profile = { ...pmm2, behaviour: { ...pmm2.behaviour, keyQueryParam: 'api_key' } };
    const key = b64(JSON.stringify({ k: 'k'.repeat(32), n: 'q', id: 1 }));
    expect(parseCredentials({ lines: [], query: () => key }, profile).grafana.kind).toBe('apiKey');
    expect(parseCredentials({ lines: [], query: () => undefined }, profile).grafana.kind).toBe('none');
  });
});
