/**
 * Issue 13: each fault's effect on the answer (in-process; the wire faults reset, close and delay
 * are in wire.test.ts), scoping by nth/after/every/probability, the journal's `fault`, and the
 * control API's one-line errors.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ADMIN_AUTH, bearer, seedKey, startInProcessMock, type InProcessTestMock } from '../testing/harness.ts';
import { pmm3 } from '../profiles/pmm3.ts';

let t: InProcessTestMock;
beforeEach(async () => {
  t = await startInProcessMock();
});

const addFaults = (body: unknown) =>
  t.https().post('/__mock/faults').set('Content-Type', 'application/json').send(JSON.stringify(body));
const faultsOf = () => t.mock.journal.list().map((e) => e.fault);
const statuses = async (n: number, path = '/v1/version', auth = bearer(seedKey(t, 'viewer'))) => {
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push((await t.https().get(path).set('Authorization', auth)).status);
  return out;
};

describe('answer faults', () => {
  it('empty-200: 200 with no body, in place of the real answer', async () => {
    await addFaults({ name: 'empty-200', path: '/v1/**' });
    const res = await t.https().get('/v1/version');
    expect([res.status, res.text]).toEqual([200, '']);
    expect(faultsOf()).toEqual(['empty-200']);
  });

  it('truncated-json: the real answer cut in half; malformed-json: a stray comma', async () => {
    const real = (
      await t
        .https()
        .get('/v1/version')
        .set('Authorization', bearer(seedKey(t, 'viewer')))
    ).text;
    await addFaults([
      { name: 'truncated-json', nth: 1 },
      { name: 'malformed-json', nth: 2 },
    ]);
    const cut = await t
      .https()
      .get('/v1/version')
      .set('Authorization', bearer(seedKey(t, 'viewer')));
    expect(cut.text).toBe(real.slice(0, Math.floor(real.length / 2)));
    const bad = await t
      .https()
      .get('/v1/version')
      .set('Authorization', bearer(seedKey(t, 'viewer')));
    expect(() => JSON.parse(bad.text)).toThrow();
    expect(bad.text.replace(/,(\s*)}(\s*)$/, '$1}$2')).toBe(real);
    expect(faultsOf()).toEqual([null, 'truncated-json', 'malformed-json']);
  });

  it('status: each layer with its own body', async () => {
    await addFaults([
      { name: 'status', layer: 'nginx-502', nth: 1 },
      { name: 'status', layer: 'pmm-internal', nth: 2 },
      { name: 'status', layer: 'grafana-500-invalid-key', nth: 3 },
    ]);
    const nginx = await t.https().get('/v1/version');
    expect(nginx.status).toBe(502);
    expect(nginx.text).toContain('<center><h1>502 Bad Gateway</h1></center>');
    const pmm = await t.https().get('/v1/version');
    expect([pmm.status, pmm.body.code]).toEqual([500, 13]);
    const grafana = await t.https().get('/v1/version');
    expect([grafana.status, grafana.body]).toEqual([
      401,
      { code: 13, error: 'invalid Service Token/API key', message: 'invalid Service Token/API key' },
    ]);
    expect(faultsOf()).toEqual(['status', 'status', 'status']);
  });

  it('status grafana-500-invalid-key under /graph: Grafana 500 with the invalid-key message (auth-bugs §B5)', async () => {
    await addFaults({ name: 'status', layer: 'grafana-500-invalid-key' });
    const res = await t
      .https()
      .get('/graph/api/auth/keys')
      .set('Authorization', bearer(seedKey(t, 'viewer')));
    expect([res.status, res.body]).toEqual([500, { message: 'invalid Service Token/API key', traceID: '' }]);
  });

  it('reset and close in-process: a network error (status 0), journaled with status 0', async () => {
    await addFaults([
      { name: 'reset', nth: 1 },
      { name: 'close', nth: 2 },
    ]);
    expect((await t.https().get('/v1/readyz')).status).toBe(0);
    expect((await t.https().get('/v1/readyz')).status).toBe(0);
    expect(t.mock.journal.list().map((e) => [e.status, e.fault])).toEqual([
      [0, 'reset'],
      [0, 'close'],
    ]);
  });

  it('www-authenticate: a Basic challenge on 401s only; none without the fault (auth-bugs §B8)', async () => {
    expect((await t.https().get('/v1/version')).headers['www-authenticate']).toBeUndefined();
    await addFaults({ name: 'www-authenticate', realm: 'pmm' });
    const refused = await t.https().get('/v1/version');
    expect([refused.status, refused.headers['www-authenticate']]).toEqual([401, 'Basic realm="pmm"']);
    const ok = await t
      .https()
      .get('/v1/version')
      .set('Authorization', bearer(seedKey(t, 'viewer')));
    expect([ok.status, ok.headers['www-authenticate']]).toEqual([200, undefined]);
    expect(faultsOf()).toEqual([null, 'www-authenticate', null]);
  });

  it('redirect-root-without-port: / → the Host name without its port (auth-bugs §B13)', async () => {
    await addFaults({ name: 'redirect-root-without-port' });
    const res = await t.https().get('/');
    expect([res.status, res.headers.location]).toEqual([302, 'https://127.0.0.1/graph/']);
    expect((await t.https().get('/v1/readyz')).status).toBe(200);
    expect(faultsOf()).toEqual(['redirect-root-without-port', null]);
  });
});

describe('request faults', () => {
  it("strip-authorization: the mock sees no credentials; replace-authorization: the proxy's Basic", async () => {
    await addFaults([
      { name: 'strip-authorization', nth: 1 },
      { name: 'replace-authorization', nth: 2, user: 'nginx', password: 'x' },
    ]);
    expect(await statuses(2)).toEqual([401, 401]);
    expect(t.mock.journal.list().map((e) => [e.credential.kind, e.credential.login ?? null, e.fault])).toEqual([
      ['none', null, 'strip-authorization'],
      ['basic-user', 'nginx', 'replace-authorization'],
    ]);
  });

  it('clock-jump: the mock clock moves by the given seconds', async () => {
    const before = t.clock.nowMs();
    await addFaults({ name: 'clock-jump', seconds: 3600, nth: 1 });
    await statuses(2);
    expect(Math.round((t.clock.nowMs() - before) / 1000 / 60)).toBe(60);
  });

  it('revoke-after: the key works N times, then 401 as a deleted key', async () => {
    await addFaults({ name: 'revoke-after', uses: 2 });
    expect(await statuses(4)).toEqual([200, 200, 401, 401]);
    expect(t.mock.journal.list().map((e) => [e.failure, e.fault])).toEqual([
      [null, null],
      [null, null],
      ['unknown key', 'revoke-after'],
      ['unknown key', null],
    ]);
  });

  it('auth-cache: a deleted key passes PMM paths until the entry ages out, never /graph/api (pmm-auth §2.4)', async () => {
    await addFaults({ name: 'auth-cache' });
    const key = seedKey(t, 'viewer');
    expect(await statuses(1)).toEqual([200]);
    t.mock.store.deleteKey(1, t.mock.store.keyByName(1, 'seed-viewer')!.id);
    expect(await statuses(1, '/v1/version', bearer(key))).toEqual([200]);
    expect(await statuses(1, '/graph/api/auth/keys', bearer(key))).toEqual([401]);
    t.clock.advance(7);
    expect(await statuses(1, '/v1/version', bearer(key))).toEqual([401]);
    expect(faultsOf()).toEqual([null, 'auth-cache', null, null]);
  });
});

describe('scoping', () => {
  const pattern = async (spec: Record<string, unknown>, n = 8) => {
    t = await startInProcessMock();
    await addFaults({ name: 'status', layer: 'nginx-502', ...spec });
    return (await statuses(n)).map((s) => (s === 502 ? 'F' : '.')).join('');
  };

  it('nth, after, every, method, path and withCredentials pick the requests', async () => {
    expect(await pattern({ nth: 3 })).toBe('..F.....');
    expect(await pattern({ after: 5 })).toBe('.....FFF');
    expect(await pattern({ every: 3 })).toBe('..F..F..');
    expect(await pattern({ every: 2, after: 3 })).toBe('...F.F.F');
    expect(await pattern({ method: 'POST' })).toBe('........');
    expect(await pattern({ path: '/v1/*' })).toBe('FFFFFFFF');
    expect(await pattern({ path: '/v1' })).toBe('........');
    expect(await pattern({ withCredentials: false })).toBe('........');
  });

  it('probability: seeded, so the same seed gives the same requests and another seed others', async () => {
    const a = await pattern({ probability: 0.5, seed: 'one' }, 32);
    expect(await pattern({ probability: 0.5, seed: 'one' }, 32)).toBe(a);
    expect(await pattern({ probability: 0.5, seed: 'two' }, 32)).not.toBe(a);
    expect(a).toMatch(/F/);
    expect(a).toMatch(/\./);
  });
});

describe('the control API for faults', () => {
  it('lists, adds and clears faults; POST /__mock/reset keeps none of the ad-hoc ones', async () => {
    await addFaults({ name: 'empty-200' });
    expect((await t.https().get('/__mock/faults')).body.faults).toEqual([{ name: 'empty-200' }]);
    const cleared = await t.https().delete('/__mock/faults').set('Content-Type', 'application/json');
    expect(cleared.body).toEqual({ cleared: 1 });
    await addFaults({ name: 'empty-200' });
    await t.https().post('/__mock/reset').set('Content-Type', 'application/json');
    expect((await t.https().get('/__mock/faults')).body.faults).toEqual([]);
  });

  it.each([
    [{ name: 'explode' }, 'request body: /name: expected one of "reset", "close",'],
    [{ name: 'delay', ms: 60001 }, 'request body: /ms: expected a value that must be <= 60000'],
    [{ name: 'delay' }, 'request body: /: missing field "ms"'],
    [[{ name: 'reset' }, { name: 'reset', ms: 5 }], 'request body: /1: unknown field "ms"'],
    [{ name: 'status', layer: 'grafana-404' }, 'request body: /layer: expected one of "nginx-502"'],
    [{ name: 'migration-pending' }, 'request body: /name: migration-pending needs profile pmm3'],
  ])('a bad fault is a 400 with one line: %j', async (body, line) => {
    const res = await addFaults(body);
    expect(res.status).toBe(400);
    expect(res.body.error.startsWith(line)).toBe(true);
    expect(res.body.error).not.toContain('\n');
    expect((await t.https().get('/__mock/faults')).body.faults).toEqual([]);
    expect((await t.https().get('/v1/readyz')).status).toBe(200);
  });

  it('non-JSON is a 400 too', async () => {
    const res = await t.https().post('/__mock/faults').set('Content-Type', 'application/json').send('{');
    expect([res.status, res.body.error]).toEqual([
      400,
      'request body: /: expected JSON: a fault object or an array of them',
    ]);
  });
});

describe('migration-pending (pmm3, auth-bugs §B15)', () => {
  afterEach(() => t.close());

  it('refuses legacy keys on PMM paths until admin logs in, then they work', async () => {
    t = await startInProcessMock({ profile: pmm3 });
    await addFaults({ name: 'migration-pending' });
    expect(await statuses(1)).toEqual([401]);
    expect((await t.https().get('/graph/api/user').set('Authorization', ADMIN_AUTH)).status).toBe(200);
    expect(await statuses(1)).toEqual([200]);
    expect(faultsOf()).toEqual(['migration-pending', null, null]);
  });
});

describe('basicAuthEnabled false (auth-bugs §B9)', () => {
  it('refuses Basic users and api_key: URL credentials, Bearer still works', async () => {
    t = await startInProcessMock({ basicAuthEnabled: false });
    const key = seedKey(t, 'viewer');
    const grafana = await t
      .https()
      .get('/graph/api/auth/key')
      .set('Authorization', `Basic ${Buffer.from(`api_key:${key}`).toString('base64')}`);
    expect([grafana.status, grafana.body.message]).toEqual([400, 'Bad Request: Not allowed.']);
    expect((await t.https().get('/graph/api/user').set('Authorization', ADMIN_AUTH)).status).toBe(400);
    expect(await statuses(1, '/v1/version', `Basic ${Buffer.from(`api_key:${key}`).toString('base64')}`)).toEqual([
      401,
    ]);
    expect(await statuses(1, '/v1/version', bearer(key))).toEqual([200]);
    expect(t.mock.journal.list().map((e) => e.failure)).toEqual([
      'basic auth disabled',
      'basic auth disabled',
      'basic auth disabled',
      null,
    ]);
  });
});
