/**
 * Key expiry against the mock's injectable clock (grafana-auth §4, grafana-auth §3.2, grafana-auth §1.5; pmm-auth §2.3).
 * Each test pins the clock to a whole second before creating its key, reads the key's expiry
 * second back from Grafana, then sets the clock relative to it: no sleeping, no timing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_AUTH, bearer, createKey, startInProcessMock, type InProcessTestMock } from './testing/harness.ts';

const BASE_MS = Date.parse('2030-01-01T00:00:00Z');
const EXPIRED = { message: 'Expired API key' };
const EXPIRED_PMM = `${JSON.stringify({ code: 16, error: 'Expired API key', message: 'Expired API key' })}\n`;

let seq = 0;
/** A key name no other test uses. */
const uniq = (prefix: string): string => `${prefix}-${++seq}`;

describe('API key expiry (Grafana 9.2)', () => {
  let t: InProcessTestMock;
  beforeAll(async () => {
    t = await startInProcessMock();
  });
  afterAll(() => t.close());

  /** Pins the clock, creates a key with secondsToLive 60 and returns it with its expiry (ms, a whole second). */
  async function keyWithTtl60(name: string): Promise<{ key: string; expiresMs: number }> {
    t.clock.set(BASE_MS);
    const { key } = await createKey(t, name, 'Admin', 60);
    const res = await t.https().get('/graph/api/auth/key').set('Authorization', bearer(key));
    expect(res.status).toBe(200);
    const expiresMs = Date.parse(res.body.expiration as string);
    // grafana-auth §4: expires = now + secondsToLive, in whole unix seconds.
    expect(expiresMs % 1000).toBe(0);
    expect(expiresMs).toBeGreaterThanOrEqual(BASE_MS + 60_000);
    return { key, expiresMs };
  }

  const listNames = async (query = ''): Promise<string[]> => {
    const res = await t.https().get(`/graph/api/auth/keys${query}`).set('Authorization', ADMIN_AUTH);
    expect(res.status).toBe(200);
    return (res.body as { name: string }[]).map((k) => k.name);
  };

  it.each([
    { label: '60 s before expiry', offset: -60, status: 200 },
    { label: '1 s before expiry', offset: -1, status: 200 },
    { label: 'at the expiry second (expires == now)', offset: 0, status: 401 },
    { label: '1 s after expiry', offset: 1, status: 401 },
    { label: 'a day after expiry', offset: 86_400, status: 401 },
  ])(
    'grafana-auth §4, grafana-auth §3.2: a key with secondsToLive 60 on /graph/api/auth/key $label → $status',
    async ({ offset, status }) => {
      const name = uniq('ttl60');
      const { key, expiresMs } = await keyWithTtl60(name);
      t.clock.set(expiresMs + offset * 1000);
      const res = await t.https().get('/graph/api/auth/key').set('Authorization', bearer(key));
      expect(res.status).toBe(status);
      if (status === 401) expect(res.body).toEqual(EXPIRED);
      else expect(res.body).toMatchObject({ name, role: 'Admin' });
    },
  );

  it.each([
    { label: '1 s before expiry', offset: -1, status: 200 },
    { label: 'at the expiry second', offset: 0, status: 401 },
    { label: '1 s after expiry', offset: 1, status: 401 },
  ])('grafana-auth §4, pmm-auth §2.3: the key on /v1/version $label → $status', async ({ offset, status }) => {
    const { key, expiresMs } = await keyWithTtl60(uniq('ttl60-pmm'));
    t.clock.set(expiresMs + offset * 1000);
    const res = await t.https().get('/v1/version').set('Authorization', bearer(key));
    expect(res.status).toBe(status);
    if (status === 401) expect(res.text).toBe(EXPIRED_PMM);
    else expect(res.body.version).toBe('2.41.0');
  });

  it('grafana-auth §4: t.clock.advance from 1 s before to the expiry second → 401 "Expired API key"', async () => {
    const { key, expiresMs } = await keyWithTtl60(uniq('advance'));
    t.clock.set(expiresMs - 1000);
    expect((await t.https().get('/graph/api/auth/key').set('Authorization', bearer(key))).status).toBe(200);
    t.clock.advance(1);
    const res = await t.https().get('/graph/api/auth/key').set('Authorization', bearer(key));
    expect(res.status).toBe(401);
    expect(res.body).toEqual(EXPIRED);
  });

  it('grafana-auth §4: POST /__mock/clock {"advanceSeconds":1} from 1 s before to the expiry second → 401 "Expired API key"', async () => {
    const { key, expiresMs } = await keyWithTtl60(uniq('control'));
    t.clock.set(expiresMs - 1000);
    const moved = await t
      .https()
      .post('/__mock/clock')
      .set('Content-Type', 'application/json')
      .send(JSON.stringify({ advanceSeconds: 1 }));
    expect(moved.status).toBe(200);
    const res = await t.https().get('/graph/api/auth/key').set('Authorization', bearer(key));
    expect(res.status).toBe(401);
    expect(res.body).toEqual(EXPIRED);
  });

  it.each([
    { label: 'at the expiry second, without includeExpired', offset: 0, query: '', listed: true },
    { label: '1 s after expiry, without includeExpired', offset: 1, query: '', listed: false },
    { label: '1 s after expiry, with includeExpired=true', offset: 1, query: '?includeExpired=true', listed: true },
    {
      label: 'a day after expiry, with includeExpired=true',
      offset: 86_400,
      query: '?includeExpired=true',
      listed: true,
    },
  ])('grafana-auth §1.5, grafana-auth §4: the key is listed $listed $label', async ({ offset, query, listed }) => {
    const name = uniq('listed');
    const { expiresMs } = await keyWithTtl60(name);
    t.clock.set(expiresMs + offset * 1000);
    expect((await listNames(query)).includes(name)).toBe(listed);
  });

  it('grafana-auth §1.5, grafana-auth §4: at the expiry second the key is listed but no longer authenticates', async () => {
    const name = uniq('boundary');
    const { key, expiresMs } = await keyWithTtl60(name);
    t.clock.set(expiresMs);
    expect(await listNames()).toContain(name);
    const res = await t.https().get('/graph/api/auth/key').set('Authorization', bearer(key));
    expect(res.status).toBe(401);
    expect(res.body).toEqual(EXPIRED);
  });

  it('grafana-auth §4: a key without secondsToLive still authenticates a year later', async () => {
    t.clock.set(BASE_MS);
    const { key } = await createKey(t, uniq('never'), 'Viewer');
    t.clock.advance(365 * 86_400);
    const res = await t.https().get('/graph/api/auth/key').set('Authorization', bearer(key));
    expect(res.status).toBe(200);
    expect(res.body).not.toHaveProperty('expiration');
  });
});

describe('the Date header follows the mock clock', () => {
  let t: InProcessTestMock;
  beforeAll(async () => {
    t = await startInProcessMock();
  });
  afterAll(() => t.close());

  it('grafana-auth §4: with the clock moved, Date is the moved clock (the suite dates expiry by it)', async () => {
    t.clock.set(BASE_MS);
    const res = await t.https().get('/v1/readyz');
    const dated = Date.parse(res.headers.date ?? '');
    expect(dated).toBeGreaterThanOrEqual(BASE_MS);
    expect(dated).toBeLessThan(BASE_MS + 60_000);
  });

  it('an off-by-one server (deviation expiry-off-by-one) still accepts a key in its expiry second, not after', async () => {
    const off = await startInProcessMock({ deviations: ['expiry-off-by-one'] });
    try {
      off.clock.set(BASE_MS);
      const { key } = await createKey(off, 'off-by-one', 'Viewer', 60);
      const at = async (ms: number): Promise<number> => {
        off.clock.set(ms);
        return (await off.https().get('/graph/api/auth/key').set('Authorization', bearer(key))).status;
      };
      expect(await at(BASE_MS + 60_000)).toBe(200);
      expect(await at(BASE_MS + 61_000)).toBe(401);
    } finally {
      await off.close();
    }
  });
});
