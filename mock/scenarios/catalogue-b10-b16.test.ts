/**
 * Issue 13 catalogue, B10–B16: each scenario started in-process shows its symptom, and what the
 * mock gained for them works — shaped secrets (B10), the `redirect` fault (B13), the scenario's
 * certificate (B14). The same symptoms with real curl: scripts/scenario-catalogue.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { parseCli } from '../cli-options.ts';
import type { Ctx } from '../context.ts';
import { redirectElsewhere } from '../faults/effects.ts';
import { decodeLegacyKey, newLegacyKey } from '../identity/key-codec.ts';
import { seededRandom } from '../random.ts';
import { ADMIN_AUTH, basic, bearer, startInProcessMock, type InProcessTestMock } from '../testing/harness.ts';
import { checkScenario, scenarioById } from './load.ts';
import { ScenarioError } from './validate.ts';

const start = (id: string, extra: Parameters<typeof startInProcessMock>[0] = {}): Promise<InProcessTestMock> =>
  startInProcessMock({ scenario: scenarioById(id), seedKeys: [], users: [], ...extra });

const failures = (t: InProcessTestMock) => t.mock.journal.list().map((e) => e.failure);

describe('B10: special characters in keys and passwords', () => {
  it('a shaped legacy key holds + / and a trailing =, and still decodes to its name, for any name length', () => {
    const random = seededRandom('b10');
    for (const name of ['', 'c', 'ci', 'ci-', 'ci-b', 'ci-bo', 'grafana→pmm']) {
      const { key, secret } = newLegacyKey(random, name, 1, 'special-characters');
      expect(key, name).toMatch(/\+.*\/.*=$/);
      expect(decodeLegacyKey(key)).toEqual({ secret, name, orgId: 1 });
      // Grafana's own shape: 32 alphanumerics, and an ASCII name gives neither + nor /.
      expect(newLegacyKey(random, name === 'grafana→pmm' ? 'x' : name, 1).key).not.toMatch(/[+/]/);
    }
  });

  it('the key and the password work as they are; without its = the key is invalid; a cut password is wrong', async () => {
    const t = await start('b10-special-characters');
    const key = t.mock.keys.ci!;
    const password = t.mock.passwords.ops!;
    for (const ch of ['#', '/', '@', ':', '%']) expect(password).toContain(ch);
    expect((await t.https().get('/graph/api/auth/keys').set('Authorization', bearer(key))).status).toBe(200);
    expect((await t.https().get('/v1/version').set('Authorization', basic('ops', password))).status).toBe(200);
    const unpadded = await t
      .https()
      .get('/graph/api/auth/keys')
      .set('Authorization', bearer(key.replace(/=+$/, '')));
    expect([unpadded.status, unpadded.body.message]).toEqual([401, 'invalid Service Token/API key']);
    // A client that took `#` for a URL's fragment sends the password cut there.
    const cut = password.slice(0, password.indexOf('#'));
    expect((await t.https().get('/v1/version').set('Authorization', basic('ops', cut))).status).toBe(401);
    expect(failures(t)).toEqual([null, null, 'malformed key', 'wrong password']);
  });

  it('secretShape is a known shape only, and only on keys and users', () => {
    const s = scenarioById('b10-special-characters');
    const line = (initial: unknown) => {
      try {
        checkScenario(JSON.stringify({ ...s, initial }), 'x.json');
      } catch (e) {
        if (e instanceof ScenarioError) return e.message;
        throw e;
      }
      return 'valid';
    };
    expect(line({ keys: [{ name: 'k', role: 'Admin', secretShape: 'emoji' }] })).toMatch(
      /^x\.json: \/initial\/keys\/0\/secretShape: expected one of "special-characters"/,
    );
    expect(line({ users: [{ login: 'u', role: 'Admin', secretShape: 'special-characters' }] })).toBe('valid');
  });
});

describe('B11: a double-encoded key', () => {
  it('the base64 of a valid key is an invalid API key, and the journal shows its prefix ZXlK', async () => {
    const t = await start('b11-double-encoded-key');
    const key = t.mock.keys.everest!;
    const twice = Buffer.from(key).toString('base64');
    expect((await t.https().get('/v1/version').set('Authorization', bearer(key))).status).toBe(200);
    const res = await t.https().get('/graph/api/auth/keys').set('Authorization', bearer(twice));
    expect([res.status, res.body.message]).toEqual([401, 'invalid Service Token/API key']);
    const entry = t.mock.journal.list().at(-1)!;
    expect(entry.credential).toMatchObject({ kind: 'bearer', keyPrefix: expect.stringMatching(/^ZXlK/) });
    expect(entry.failure).toBe('malformed key');
    expect(JSON.stringify(t.mock.journal.list())).not.toContain(twice);
  });
});

describe('B13: the redirect fault', () => {
  it('/v1/version → 302 to the HTTP port with path and query; the HTTP listener is not redirected; / drops the port', async () => {
    const t = await start('b13-redirect-cross-origin');
    const auth = bearer(t.mock.keys.ci!);
    const res = await t.https().get('/v1/version?x=1').set('Authorization', auth);
    expect([res.status, res.headers.location]).toEqual([302, 'http://127.0.0.1:8080/v1/version?x=1']);
    expect((await t.http().get('/v1/version').set('Authorization', auth)).status).toBe(200);
    expect((await t.https().get('/').redirects(0)).headers.location).toBe('https://127.0.0.1/graph/');
    expect(t.mock.journal.list().map((e) => e.fault)).toEqual(['redirect', null, 'redirect-root-without-port']);
  });

  it('other-host names localhost (not redirected there); a URL target is used as is, never to its own origin', async () => {
    const t = await startInProcessMock();
    const post = (body: unknown) =>
      t.https().post('/__mock/faults').set('Content-Type', 'application/json').send(JSON.stringify(body));
    expect((await post({ name: 'redirect', to: 'other-host', status: 307, path: '/v1/**' })).status).toBe(200);
    const res = await t.https().get('/v1/version');
    expect([res.status, res.headers.location]).toEqual([307, 'https://localhost:8443/v1/version']);
    expect((await t.https().get('/v1/version').set('Host', 'localhost:8443')).status).toBe(401);
    expect((await t.https().delete('/__mock/faults').set('Content-Type', 'application/json')).status).toBe(200);
    await post([
      { name: 'redirect', to: 'https://127.0.0.1:8443/elsewhere', path: '/v1/version' },
      { name: 'redirect', to: 'https://pmm.example:443/graph/', path: '/ping' },
    ]);
    expect((await t.https().get('/v1/version')).status).toBe(401);
    expect((await t.https().get('/ping')).headers.location).toBe('https://pmm.example/graph/');
    const bad = await post({ name: 'redirect', to: 'ftp://x' });
    expect([bad.status, bad.body.error]).toEqual([400, expect.stringMatching(/^request body: \/to: /)]);
    expect((await post({ name: 'redirect' })).body.error).toBe('request body: /: missing field "to"');
  });

  it('other-port uses the HTTP listener the server knows, and does not redirect when it is off', () => {
    const c = { req: { url: 'https://127.0.0.1:4443/v1/version', header: () => undefined } } as unknown as Ctx;
    const deps = (http: string | null) => ({ listeners: () => ({ https: 'https://127.0.0.1:4443', http }) }) as never;
    expect(redirectElsewhere(c, deps('http://127.0.0.1:4080'), 'other-port', 301)?.headers.get('location')).toBe(
      'http://127.0.0.1:4080/v1/version',
    );
    expect(redirectElsewhere(c, deps(null), 'other-port', 301)).toBeUndefined();
  });
});

describe('B14: the scenario names the certificate of the main listener', () => {
  it('--scenario b14-self-signed-ip serves the PMM-shaped certificate unless a certificate flag says otherwise', () => {
    const tlsOf = (...argv: string[]) => parseCli(['--scenario', 'b14-self-signed-ip', ...argv]).mock.tls;
    expect(tlsOf()).toMatchObject({ style: 'pmm' });
    expect(tlsOf('--cert-style', 'mock')).toMatchObject({ style: 'mock' });
    expect(tlsOf('--tls', 'valid')).toMatchObject({ personality: 'valid' });
    expect(parseCli(['--scenario', 'b12-proxy-strips-authorization']).mock.tls).toMatchObject({ style: 'mock' });
  });
});

describe('B15: PMM 3 migration and token rotation', () => {
  it('migration pending: the legacy key is 401 code 16 on /v1 until admin logs in with Basic, then 200', async () => {
    const t = await start('b15-migration-pending');
    const auth = bearer(t.mock.keys.legacy!);
    const refused = await t.https().get('/v1/server/version').set('Authorization', auth);
    expect([refused.status, refused.body.code]).toEqual([401, 16]);
    expect((await t.https().get('/graph/api/user').set('Authorization', ADMIN_AUTH)).status).toBe(200);
    expect((await t.https().get('/v1/server/version').set('Authorization', auth)).status).toBe(200);
  });

  it('token revoked mid-run: service_token Basic works twice, then every request is 401', async () => {
    const t = await start('b15-token-revoked');
    const auth = basic('service_token', t.mock.keys.vmagent!);
    const statuses = [];
    for (let i = 0; i < 4; i++)
      statuses.push((await t.https().get('/v1/server/version').set('Authorization', auth)).status);
    expect(statuses).toEqual([200, 200, 401, 401]);
    expect(t.mock.journal.list().map((e) => e.fault)).toEqual([null, null, 'revoke-after', null]);
  });
});

describe('B16: the journal shows which credential kind and user arrived', () => {
  it('"user;pass" as Bearer is a bearer credential (401); Basic of the same user is basic-user ops', async () => {
    const t = await start('b16-wrong-credential-kind');
    const password = t.mock.passwords.ops!;
    expect(
      (
        await t
          .https()
          .get('/v1/version')
          .set('Authorization', bearer(`ops;${password}`))
      ).status,
    ).toBe(401);
    expect((await t.https().get('/v1/version').set('Authorization', basic('ops', password))).status).toBe(200);
    const [wrong, right] = t.mock.journal.list();
    expect(wrong!.credential.kind).toBe('bearer');
    expect(right!.credential).toMatchObject({ kind: 'basic-user', login: 'ops' });
    expect(JSON.stringify(t.mock.journal.list())).not.toContain(password);
  });
});
