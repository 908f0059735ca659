/**
 * Issue 12 §7: a web page cannot drive the control API (mock/control-guard.ts) — no text/plain
 * write (CSRF), no foreign Origin, no Host but loopback, localhost and --host (DNS rebinding).
 * In-process: the agent's requests name https://127.0.0.1:8443 (Host header included).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from './app.ts';
import { createClock } from './clock.ts';
import { Journal } from './journal.ts';
import { startInProcessMock, type InProcessTestMock } from './testing/in-process.ts';
import { TEST_DEFAULTS } from './testing/defaults.ts';
import { initialStore } from './initial-store.ts';
import { cryptoRandom } from './random.ts';

let t: InProcessTestMock;
beforeAll(async () => {
  t = await startInProcessMock();
});
afterAll(() => t.close());

const offset = async () => (await t.https().get('/__mock/clock')).body.offsetSeconds as number;
const ADVANCE = JSON.stringify({ advanceSeconds: 3600 });

function expectJsonError(
  res: { status: number; headers: Record<string, string | undefined>; body: unknown },
  status: number,
) {
  expect(res.status).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/json/);
  expect(typeof (res.body as { error?: unknown }).error).toBe('string');
}

describe('control writes need Content-Type: application/json (issue 12 §7, CSRF)', () => {
  it('issue 12 §7: a text/plain POST /__mock/clock (what a cross-site form can send) → 415, clock unchanged', async () => {
    const res = await t.https().post('/__mock/clock').set('Content-Type', 'text/plain').send(ADVANCE);
    expectJsonError(res, 415);
    expect(res.body.error).toMatch(/application\/json/);
    expect(await offset()).toBe(0);
  });

  it.each([
    ['POST', '/__mock/reset', 'application/x-www-form-urlencoded'],
    ['POST', '/__mock/reset', null],
    ['DELETE', '/__mock/requests', null],
    ['POST', '/__mock/clock', 'multipart/form-data; boundary=x'],
  ] as const)('issue 12 §7: %s %s with Content-Type %s → 415', async (method, path, type) => {
    const req = method === 'POST' ? t.https().post(path) : t.https().delete(path);
    if (type !== null) req.set('Content-Type', type);
    expectJsonError(await req, 415);
  });

  it('issue 12 §7: application/json (with a charset) is accepted, bodyless writes too', async () => {
    const moved = await t
      .https()
      .post('/__mock/clock')
      .set('Content-Type', 'application/json; charset=utf-8')
      .send(ADVANCE);
    expect(moved.status).toBe(200);
    expect(await offset()).toBe(3600);
    const reset = await t.https().post('/__mock/reset').set('Content-Type', 'application/json');
    expect(reset.status).toBe(200);
    expect(await offset()).toBe(0);
    expect((await t.https().delete('/__mock/requests').set('Content-Type', 'application/json')).status).toBe(200);
  });
});

describe('Origin must be the mock own (issue 12 §7, CSRF)', () => {
  it.each([
    'https://evil.example',
    'https://evil.example:8443',
    'null',
    'http://localhost:3000',
    'https://127.0.0.1:9443',
    'http://127.0.0.1:8443',
  ])('issue 12 §7: Origin %s → 403, even with a JSON body; clock unchanged', async (origin) => {
    const res = await t
      .https()
      .post('/__mock/clock')
      .set('Origin', origin)
      .set('Content-Type', 'application/json')
      .send(ADVANCE);
    expectJsonError(res, 403);
    expect(res.body.error).toMatch(/origin/i);
    expect(await offset()).toBe(0);
    expectJsonError(await t.https().get('/__mock/requests').set('Origin', origin), 403);
  });

  it.each(['https://127.0.0.1:8443', 'https://localhost:8443', 'https://[::1]:8443'])(
    'issue 12 §7: the mock own Origin %s is accepted',
    async (origin) => {
      const res = await t.https().post('/__mock/reset').set('Origin', origin).set('Content-Type', 'application/json');
      expect(res.status).toBe(200);
    },
  );

  it('issue 12 §7: an Origin naming another of the mock listeners is its own', async () => {
    const clock = createClock();
    const { store } = initialStore(TEST_DEFAULTS, clock, cryptoRandom);
    const app = createApp({
      profile: TEST_DEFAULTS.profile,
      store,
      clock,
      journal: new Journal(10),
      log: () => {},
      listeners: () => ({
        https: 'https://127.0.0.1:8443',
        http: 'http://127.0.0.1:8080',
        caFile: '',
        personalities: {},
      }),
    });
    const ask = (origin: string) =>
      app.request('https://127.0.0.1:8443/__mock/clock', { headers: { host: '127.0.0.1:8443', origin } });
    expect((await ask('http://127.0.0.1:8080')).status).toBe(200);
    expect((await ask('http://127.0.0.1:8081')).status).toBe(403);
  });
});

describe('Host must be loopback, localhost or --host (issue 12 §7, DNS rebinding)', () => {
  it.each([
    'evil.example:8443',
    'evil.example',
    '127.0.0.1.evil.example:8443',
    'localhost.evil.example',
    'a@127.0.0.1',
    '',
  ])('issue 12 §7: Host "%s" → 403 on /__mock; clock unchanged', async (host) => {
    const res = await t
      .https()
      .post('/__mock/clock')
      .set('Host', host)
      .set('Content-Type', 'application/json')
      .send(ADVANCE);
    expectJsonError(res, 403);
    expect(res.body.error).toMatch(/Host/);
    expect(await offset()).toBe(0);
    expectJsonError(await t.https().get('/__mock/requests').set('Host', host), 403);
  });

  it.each(['localhost:8443', 'LOCALHOST', '127.0.0.1:8443', '127.1.2.3', '[::1]:8443', '[::1]', 'localhost.'])(
    'issue 12 §7: Host "%s" is answered',
    async (host) => {
      expect((await t.https().get('/__mock/clock').set('Host', host)).status).toBe(200);
    },
  );

  it('issue 12 §7: the product API answers any Host (as a real PMM does)', async () => {
    expect((await t.https().get('/v1/readyz').set('Host', 'evil.example:8443')).status).toBe(200);
  });

  it('issue 12 §7: a name given with --host (controlHosts) is answered', async () => {
    const clock = createClock();
    const { store } = initialStore(TEST_DEFAULTS, clock, cryptoRandom);
    const app = createApp({
      profile: TEST_DEFAULTS.profile,
      store,
      clock,
      journal: new Journal(10),
      log: () => {},
      controlHosts: ['pmm-mock.lan'],
    });
    const ask = (host: string) => app.request(`https://${host}/__mock/clock`, { headers: { host } });
    expect((await ask('pmm-mock.lan:8443')).status).toBe(200);
    expect((await ask('other.lan:8443')).status).toBe(403);
  });
});
