/**
 * The control API's journal shapes are JSON Schemas (issue 10): every entry of
 * `GET /__mock/requests` and every event of `GET /__mock/tls` from a real mock matches
 * fixtures/schemas/journal-entry.schema.json and tls-event.schema.json (ajv, JSON Schema 2020-12),
 * and the schemas refuse entries that are wrong, so this test can fail.
 */
import { readFileSync } from 'node:fs';
import tls from 'node:tls';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_AUTH, ADMIN_PASSWORD, basic, rawGet, startTestMock, type TestMock } from './testing/harness.ts';

const schema = (name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(new URL(`../fixtures/schemas/${name}.schema.json`, import.meta.url), 'utf8')) as Record<
    string,
    unknown
  >;
const ajv = new Ajv2020({
  allErrors: true,
  strict: true,
  strictTypes: false,
  strictRequired: false,
  formats: { 'date-time': true },
});
const journalEntry: ValidateFunction = ajv.compile(schema('journal-entry'));
const tlsEvent: ValidateFunction = ajv.compile(schema('tls-event'));
const errorsOf = (v: ValidateFunction): string => ajv.errorsText(v.errors);

let t: TestMock;
let requests: Record<string, unknown>[];
let events: Record<string, unknown>[];

/** A TLS connection without a request: refused by the client (no CA given) or closed right after the handshake. */
function connectOnly(trust: boolean): Promise<void> {
  return new Promise((resolve) => {
    const socket = tls.connect({
      host: '127.0.0.1',
      servername: 'localhost',
      port: t.mock.httpsPort,
      ...(trust ? { ca: t.mock.certificate.certPem } : {}),
    });
    socket.on('secureConnect', () => socket.end());
    socket.on('error', () => resolve());
    socket.on('close', () => resolve());
  });
}

async function waitForTlsEvents(n: number): Promise<Record<string, unknown>[]> {
  for (let i = 0; i < 100; i++) {
    const res = await t.https().get('/__mock/tls');
    if ((res.body.events as unknown[]).length >= n) return res.body.events as Record<string, unknown>[];
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`fewer than ${n} TLS events recorded`);
}

beforeAll(async () => {
  t = await startTestMock();
  const seeded = t.mock.keys['seed-viewer']!;
  await rawGet(t, '/v1/version', { Authorization: `Bearer ${seeded}` }); // bearer, rule viewer, 200
  await rawGet(t, '/v1/version', { Authorization: basic('api_key', seeded) }); // basic-api-key
  await rawGet(t, '/v1/version', { Authorization: 'Bearer eyJrIjoibm9uZSJ9' }); // an unknown key, 401
  await rawGet(t, '/v1/version', {}); // none
  await rawGet(t, '/v1/version?api_key=secret-looking-value', {}); // query fingerprinted
  await rawGet(t, '/graph/api/user', { Authorization: ADMIN_AUTH }); // basic-user, no rule (Grafana's own auth)
  await rawGet(t, '/graph/api/user', { Authorization: 'Basic !!!' }); // invalid
  const login = await t
    .https()
    .post('/graph/login')
    .set('Content-Type', 'application/json')
    .send(JSON.stringify({ user: 'admin', password: ADMIN_PASSWORD }));
  const cookie = /^grafana_session=[0-9a-f]+/.exec((login.headers['set-cookie'] as unknown as string[])[0]!)![0];
  await rawGet(t, '/v1/version', { Cookie: cookie }); // issue 17: session
  await rawGet(t, '/v1/version', { Cookie: 'grafana_session=0123' }); // issue 17: session, "unknown session"
  await connectOnly(false);
  await connectOnly(true);
  requests = (await t.https().get('/__mock/requests')).body.requests as Record<string, unknown>[];
  events = await waitForTlsEvents(2);
});
afterAll(() => t.close());

describe('the control API answers entries its schemas describe', () => {
  it('issue 10, issue 17: every /__mock/requests entry matches journal-entry.schema.json (bearer, basic-api-key, basic-user, none, invalid, session; rules viewer and none)', () => {
    expect(requests.map((e) => (e.credential as { kind: string }).kind)).toEqual(
      expect.arrayContaining(['bearer', 'basic-api-key', 'basic-user', 'none', 'invalid', 'session']),
    );
    expect(requests.map((e) => e.failure)).toContain('unknown session');
    expect(requests.map((e) => (e.rule as { role: string } | null)?.role)).toEqual(
      expect.arrayContaining(['viewer', 'none']),
    );
    for (const e of requests) expect(journalEntry(e), `seq ${String(e.seq)}: ${errorsOf(journalEntry)}`).toBe(true);
  });

  it('issue 10: every /__mock/tls event matches tls-event.schema.json (a failed handshake and a close without request)', () => {
    expect(events.map((e) => e.event)).toEqual(expect.arrayContaining(['handshake-failed', 'closed-without-request']));
    for (const e of events) expect(tlsEvent(e), `seq ${String(e.seq)}: ${errorsOf(tlsEvent)}`).toBe(true);
  });

  it('issue 10: the optional "failure" field, when a mock sends it, is one of the documented reasons or null', () => {
    const entry = requests[0]!;
    for (const failure of ['unknown key', 'wrong secret', 'expired', 'bad checksum', 'role too low', null])
      expect(journalEntry({ ...entry, failure }), String(failure)).toBe(true);
    const { failure: _omitted, ...without } = entry;
    expect(journalEntry(without)).toBe(true);
  });
});

describe('the schemas refuse wrong entries', () => {
  const mutations: [string, (e: Record<string, unknown>) => Record<string, unknown>][] = [
    ['a missing credential', ({ credential: _c, ...rest }) => rest],
    ['an unknown scheme', (e) => ({ ...e, scheme: 'ftp' })],
    ['a seq of 0', (e) => ({ ...e, seq: 0 })],
    ['a time that is not ISO 8601 UTC', (e) => ({ ...e, time: 'yesterday' })],
    ['an undocumented field', (e) => ({ ...e, secret: 'x' })],
    ['a failure reason nobody documented', (e) => ({ ...e, failure: 'bad luck' })],
    ['a status as a string', (e) => ({ ...e, status: '200' })],
    ['a credential kind nobody documented', (e) => ({ ...e, credential: { kind: 'cookie' } })],
    [
      'a whole key where the fingerprint goes',
      (e) => ({
        ...e,
        credential: { kind: 'bearer', keyPrefix: 'eyJrIjoi', keyFingerprint: 'eyJrIjoiUFg2dWs4NHU2VXhs' },
      }),
    ],
    ['a bearer credential without its fingerprint', (e) => ({ ...e, credential: { kind: 'bearer' } })],
    ['issue 17: a session credential without its fingerprint', (e) => ({ ...e, credential: { kind: 'session' } })],
    [
      'issue 17: a session credential naming a login',
      (e) => ({
        ...e,
        credential: {
          kind: 'session',
          login: 'admin',
          keyPrefix: '01234567',
          keyFingerprint: 'sha256:0123456789abcdef',
        },
      }),
    ],
    ['a rule with an unknown role', (e) => ({ ...e, rule: { prefix: '/v1/', role: 'superuser' } })],
    ['issue 13: no fault field', ({ fault: _f, ...rest }) => rest],
    ['issue 13: a fault that is not a list of names', (e) => ({ ...e, fault: 'reset, close' })],
    ['issue 13: a status between 1 and 99', (e) => ({ ...e, status: 42 })],
  ];
  it('issue 13: an entry a fault acted on (status 0 after a reset, two faults named) is valid', () => {
    expect(journalEntry({ ...requests[0]!, status: 0, fault: 'delay,reset' })).toBe(true);
  });
  it.each(mutations)('issue 10: a journal entry with %s is refused', (_label, mutate) => {
    expect(journalEntry(requests[0]!)).toBe(true);
    expect(journalEntry(mutate(requests[0]!))).toBe(false);
  });

  const tlsMutations: [string, (e: Record<string, unknown>) => Record<string, unknown>][] = [
    ['an unknown event', (e) => ({ ...e, event: 'handshake-ok' })],
    ['a missing alert', ({ alert: _a, ...rest }) => rest],
    ['an alert number as text', (e) => ({ ...e, alert: 'unknown ca' })],
    [
      'a close without request that names an error',
      (e) => ({ ...e, event: 'closed-without-request', error: 'ECONNRESET' }),
    ],
  ];
  it.each(tlsMutations)('issue 10: a TLS event with %s is refused', (_label, mutate) => {
    expect(tlsEvent(events[0]!)).toBe(true);
    expect(tlsEvent(mutate(events[0]!))).toBe(false);
  });
});
