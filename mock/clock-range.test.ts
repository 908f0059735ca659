/**
 * Issue 12 defects 1 and 3, in process: the control API keeps the clock within a range every
 * date the mock writes can be written in (mock/clock.ts), date formatting never throws, and a
 * huge key or token TTL wraps as Go's Duration does (grafana-auth §4) instead of poisoning a list.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CLOCK_MAX_MS } from './clock.ts';
import { pmm3 } from './profiles/pmm3.ts';
import { ADMIN_AUTH, bearer, startInProcessMock, type InProcessTestMock } from './testing/harness.ts';

const YEAR_S = 365.2425 * 24 * 3600;
/** Go: a Duration is at most 2^63 - 1 nanoseconds, about 292.3 years. */
const MAX_DURATION_S = 9_223_372_036.854775807;

function postJson(t: InProcessTestMock, path: string, body: unknown, auth?: string) {
  const req = t.https().post(path).set('Content-Type', 'application/json');
  if (auth) req.set('Authorization', auth);
  return req.send(JSON.stringify(body));
}

describe('issue 12 defect 1: the clock stays within 1970-01-01 .. 9700-01-01', () => {
  let t: InProcessTestMock;
  beforeAll(async () => {
    t = await startInProcessMock();
  });
  afterAll(() => t.close());
  afterEach(() => t.clock.reset());

  it.each([
    { what: 'advanceSeconds past a JavaScript date', body: { advanceSeconds: 8638203846398 } },
    { what: 'advanceSeconds past year 9700', body: { advanceSeconds: 8000 * 365 * 24 * 3600 } },
    { what: 'advanceSeconds before 1970', body: { advanceSeconds: -100 * 365 * 24 * 3600 } },
    { what: 'now after 9700-01-01', body: { now: '9700-01-01T00:00:01Z' } },
    { what: 'now before 1970', body: { now: '1969-12-31T23:59:59Z' } },
  ])('$what → 400 naming the allowed range, clock unchanged, the mock still serves', async ({ body }) => {
    const res = await postJson(t, '/__mock/clock', body);
    expect(res.status).toBe(400);
    expect(res.body.error).toContain('1970-01-01T00:00:00Z to 9700-01-01T00:00:00Z');
    expect(t.clock.offsetMs()).toBe(0);
    expect((await t.https().get('/v1/readyz')).status).toBe(200);
    expect((await t.https().get('/__mock/clock')).status).toBe(200);
  });

  it('the bounds themselves are accepted', async () => {
    const hi = await postJson(t, '/__mock/clock', { now: new Date(CLOCK_MAX_MS).toISOString() });
    expect(hi.status).toBe(200);
    expect(hi.body.now).toMatch(/^9700-01-01T00:00:0/);
    expect((await t.https().get('/v1/readyz')).status).toBe(200);
    const lo = await postJson(t, '/__mock/clock', { now: '1970-01-01T00:00:00Z' });
    expect(lo.status).toBe(200);
  });

  it('defence in depth: a clock beyond any date (moved behind the API) breaks no request and no journal entry', async () => {
    t.clock.advance(8638203846398);
    expect((await t.https().get('/v1/readyz')).status).toBe(200);
    expect((await t.https().get('/graph/api/auth/keys').set('Authorization', ADMIN_AUTH)).status).toBe(200);
    const clock = await t.https().get('/__mock/clock');
    expect(clock.status).toBe(200);
    expect(clock.body.now).toMatch(/^invalid time/);
    const journal = await t.https().get('/__mock/requests');
    expect(journal.status).toBe(200);
    expect(journal.body.requests.at(-1).time).toMatch(/^invalid time/);
  });
});

describe('issue 12 defect 3: a huge TTL wraps like a Go Duration (grafana-auth §4)', () => {
  for (const profile of ['pmm2', 'pmm3'] as const) {
    describe(profile, () => {
      let t: InProcessTestMock;
      beforeAll(async () => {
        t = await startInProcessMock(profile === 'pmm3' ? { profile: pmm3 } : {});
      });
      afterAll(() => t.close());

      it('8640000000000 s: 200, then the list, the key and its own /api/auth/key answer 200 (expiry about 219 years on)', async () => {
        const created = await postJson(
          t,
          '/graph/api/auth/keys',
          { name: `huge-${profile}`, role: 'Viewer', secondsToLive: 8640000000000 },
          ADMIN_AUTH,
        );
        // 11.3+ refuses POST /api/auth/keys (grafana-auth §5.1); PMM 3.0.0 still has it.
        expect(created.status).toBe(200);
        const now = t.clock.nowUnix();
        const list = await t.https().get('/graph/api/auth/keys').set('Authorization', ADMIN_AUTH);
        expect(list.status).toBe(200);
        const item = (list.body as { name: string; expiration: string }[]).find((k) => k.name === `huge-${profile}`);
        // (8640000000000 * 1e9) mod 2^64 as int64 = 6923773503929843712 ns → +6923773503 s.
        const expires = Date.parse(item!.expiration) / 1000;
        expect(Math.abs(expires - (now + 6923773503))).toBeLessThanOrEqual(2);
        const own = await t.https().get('/graph/api/auth/key').set('Authorization', bearer(created.body.key));
        expect(own.status).toBe(200);
        expect(own.body.expiration).toBe(item!.expiration);
      });

      it('9000000000000 s wraps into the past: created, expired at once, the list still answers 200', async () => {
        const created = await postJson(
          t,
          '/graph/api/auth/keys',
          { name: `past-${profile}`, role: 'Viewer', secondsToLive: 9000000000000 },
          ADMIN_AUTH,
        );
        expect(created.status).toBe(200);
        const list = await t.https().get('/graph/api/auth/keys?includeExpired=true').set('Authorization', ADMIN_AUTH);
        expect(list.status).toBe(200);
        const item = (list.body as { name: string; expiration: string }[]).find((k) => k.name === `past-${profile}`);
        const expires = Date.parse(item!.expiration) / 1000;
        // int64(9e21 mod 2^64) = -2011107970.xxx s: about 64 years ago.
        expect(Math.abs(expires - (t.clock.nowUnix() - 2011107970))).toBeLessThanOrEqual(2);
        expect(Math.abs(expires - t.clock.nowUnix())).toBeLessThanOrEqual(MAX_DURATION_S);
        const use = await t.https().get('/graph/api/auth/key').set('Authorization', bearer(created.body.key));
        expect(use.status).toBe(401);
      });
    });
  }

  it('pmm3: a 9e12-second service-account token wraps into the past; the token list answers 200', async () => {
    const t = await startInProcessMock({ profile: pmm3 });
    try {
      const sa = await postJson(t, '/graph/api/serviceaccounts', { name: 'huge-ttl', role: 'Viewer' }, ADMIN_AUTH);
      expect(sa.status).toBe(201);
      const tokens = `/graph/api/serviceaccounts/${sa.body.id}/tokens`;
      const tok = await postJson(t, tokens, { name: 'tok-huge', secondsToLive: 9e12 }, ADMIN_AUTH);
      expect(tok.status).toBe(200);
      const tok2 = await postJson(t, tokens, { name: 'tok-far', secondsToLive: 8640000000000 }, ADMIN_AUTH);
      expect(tok2.status).toBe(200);
      const list = await t.https().get(tokens).set('Authorization', ADMIN_AUTH);
      expect(list.status).toBe(200);
      const byName = Object.fromEntries(
        (list.body as { name: string; expiration: string; hasExpired: boolean }[]).map((k) => [k.name, k]),
      );
      expect(byName['tok-huge']!.hasExpired).toBe(true);
      expect(byName['tok-far']!.hasExpired).toBe(false);
      const years = (Date.parse(byName['tok-far']!.expiration) / 1000 - t.clock.nowUnix()) / YEAR_S;
      expect(years).toBeGreaterThan(219);
      expect(years).toBeLessThan(220);
    } finally {
      await t.close();
    }
  });
});
