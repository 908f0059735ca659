/**
 * Issue 13: the scenario catalogue — every file validates and names itself; a broken file, an
 * unknown fault or an unknown id is one line with file and JSON pointer; each example scenario
 * started in-process shows its symptom; the control API lists and switches scenarios.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bearer, startInProcessMock, type InProcessTestMock } from '../testing/harness.ts';
import { checkScenario, loadScenarioFile, scenarioById, scenarioIds, SCENARIO_DIR } from './load.ts';
import { ScenarioError } from './validate.ts';

const tmp = mkdtempSync(join(tmpdir(), 'pmm-scenarios-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const B5 = scenarioById('b5-server-fault-invalid-key');
const json = (o: unknown) => JSON.stringify(o);
const broken = (patch: Record<string, unknown>) => json({ ...B5, ...patch });
const lineOf = (text: string): string => {
  try {
    checkScenario(text, 'x.json');
  } catch (e) {
    if (e instanceof ScenarioError) return e.message;
    throw e;
  }
  return 'valid';
};

describe('the catalogue', () => {
  it('holds the four example scenarios (B1, B5, B12, B17)', () => {
    expect(scenarioIds()).toEqual(
      expect.arrayContaining([
        'b1-key-creation-410',
        'b5-server-fault-invalid-key',
        'b12-proxy-strips-authorization',
        'b17-auth-cache',
      ]),
    );
  });

  it.each(scenarioIds())('%s validates against the schema and its id is its file name', (id) => {
    expect(scenarioById(id).id).toBe(id);
  });
});

describe('bad scenario files: one line, file and pointer', () => {
  it.each([
    [broken({ title: 5 }), 'x.json: /title: expected a value that must be string'],
    [broken({ extra: 1 }), 'x.json: /: unknown field "extra"'],
    [broken({ faults: [{ name: 'explode' }] }), 'x.json: /faults/0/name: expected one of "reset"'],
    [broken({ faults: [{ name: 'delay', ms: 1e6 }] }), 'x.json: /faults/0/ms: expected a value that must be <= 60000'],
    [
      broken({ product: { profile: 'pmm2', grafanaVersion: '11.3' } }),
      'x.json: /product/grafanaVersion: expected one of 9.2.20 for profile pmm2',
    ],
    [
      broken({ initial: { tokens: [{ name: 't', role: 'Admin' }] } }),
      'x.json: /initial/tokens: tokens needs profile pmm3',
    ],
    [
      broken({ initial: { keys: [{ name: 'k', role: 'Admin', secret: 'eyJrIjoi' }] } }),
      'x.json: /initial/keys/0: unknown field "secret"',
    ],
    [
      broken({
        initial: {
          keys: [
            { name: 'k', role: 'Admin' },
            { name: 'k', role: 'Viewer' },
          ],
        },
      }),
      'x.json: /initial/keys/1/name:',
    ],
    [
      broken({ expect: [{ ...B5.expect[0], maxRequests: undefined }] }),
      'x.json: /expect/0: missing field "maxRequests"',
    ],
    ['{"id":', 'x.json: /: expected JSON'],
  ])('%#: %s', (text, line) => {
    const message = lineOf(text);
    expect(message.startsWith(line), message).toBe(true);
    expect(message).not.toContain('\n');
  });

  it('an unknown id names the known ones; an unreadable file names its path', () => {
    expect(() => scenarioById('b99-nope')).toThrow(
      /^scenario "b99-nope": \/: expected a known scenario id: .*b5-server-fault-invalid-key/,
    );
    expect(() => loadScenarioFile(join(tmp, 'missing.json'))).toThrow(
      `${join(tmp, 'missing.json')}: /: expected a readable file (ENOENT)`,
    );
  });

  it("a file of one's own loads by path (--scenario-file)", () => {
    const file = join(tmp, 'mine.json');
    writeFileSync(file, json({ ...B5, id: 'mine' }));
    expect(loadScenarioFile(file).id).toBe('mine');
    expect(SCENARIO_DIR.endsWith('fixtures/scenarios/')).toBe(true);
  });
});

describe('each example scenario shows its symptom', () => {
  let t: InProcessTestMock;
  const start = async (id: string) =>
    (t = await startInProcessMock({ scenario: scenarioById(id), seedKeys: [], users: [] }));

  it('B1: pmm3 + Grafana 11.3 — key creation is 410, the existing key still works', async () => {
    await start('b1-key-creation-410');
    const key = t.mock.keys['legacy-admin']!;
    const create = await t
      .https()
      .post('/graph/api/auth/keys')
      .set('Authorization', bearer(key))
      .send({ name: 'new', role: 'Viewer' });
    expect(create.status).toBe(410);
    expect(create.body.message).toMatch(/^this endpoint has been removed, please use POST \/api\/serviceaccounts/);
    expect((await t.https().get('/v1/server/version').set('Authorization', bearer(key))).status).toBe(200);
  });

  it('B5: the third authenticated request fails with the invalid-key message, the others pass', async () => {
    await start('b5-server-fault-invalid-key');
    const auth = bearer(t.mock.keys.agent!);
    const answers = [];
    for (let i = 0; i < 4; i++) answers.push(await t.https().get('/v1/version').set('Authorization', auth));
    expect(answers.map((r) => r.status)).toEqual([200, 200, 401, 200]);
    expect(answers[2]!.body).toEqual({
      code: 13,
      error: 'invalid Service Token/API key',
      message: 'invalid Service Token/API key',
    });
    expect(t.mock.journal.list().map((e) => e.fault)).toEqual([null, null, 'status', null]);
  });

  it('B12: a valid key gets 401 on /v1 and the journal shows no credentials arrived', async () => {
    await start('b12-proxy-strips-authorization');
    const auth = bearer(t.mock.keys.ci!);
    expect((await t.https().get('/v1/version').set('Authorization', auth)).status).toBe(401);
    expect((await t.https().get('/graph/api/auth/keys').set('Authorization', auth)).status).toBe(200);
    expect(t.mock.journal.list().map((e) => [e.credential.kind, e.fault])).toEqual([
      ['none', 'strip-authorization'],
      ['bearer', null],
    ]);
  });

  it('B17: a deleted key passes /v1 for a few seconds, /graph/api refuses it at once', async () => {
    await start('b17-auth-cache');
    const auth = bearer(t.mock.keys.ci!);
    expect((await t.https().get('/v1/version').set('Authorization', auth)).status).toBe(200);
    const id = t.mock.store.keyByName(1, 'ci')!.id;
    expect((await t.https().delete(`/graph/api/auth/keys/${id}`).set('Authorization', auth)).status).toBe(200);
    expect((await t.https().get('/v1/version').set('Authorization', auth)).status).toBe(200);
    expect((await t.https().get('/graph/api/auth/keys').set('Authorization', auth)).status).toBe(401);
    t.clock.advance(6);
    expect((await t.https().get('/v1/version').set('Authorization', auth)).status).toBe(401);
  });
});

describe('the control API for scenarios', () => {
  it('lists the catalogue and switches into a scenario of the same product, with its keys', async () => {
    const t = await startInProcessMock();
    const list = await t.https().get('/__mock/scenarios');
    expect(list.body.current).toBeNull();
    expect(list.body.scenarios.find((s: { id: string }) => s.id === 'b12-proxy-strips-authorization')).toMatchObject({
      title: 'A proxy in front of PMM strips Authorization',
      product: { profile: 'pmm2' },
    });
    const post = (body: string) =>
      t.https().post('/__mock/scenario').set('Content-Type', 'application/json').send(body);
    const switched = await post('{"id":"b12-proxy-strips-authorization"}');
    expect(switched.status).toBe(200);
    expect(switched.body.scenario.id).toBe('b12-proxy-strips-authorization');
    expect(switched.body.faults).toEqual([{ name: 'strip-authorization', path: '/v1/**' }]);
    const key = switched.body.keys.ci as string;
    expect((await t.https().get('/graph/api/auth/keys').set('Authorization', bearer(key))).status).toBe(200);
    expect((await t.https().get('/v1/version').set('Authorization', bearer(key))).status).toBe(401);
    expect((await t.https().get('/__mock/scenarios')).body.current).toBe('b12-proxy-strips-authorization');

    const other = await post('{"id":"b1-key-creation-410"}');
    expect([other.status, other.body.error]).toEqual([
      400,
      expect.stringMatching(/^scenario "b1-key-creation-410": \/product: expected this mock's product, pmm2/),
    ]);
    expect((await post('{"id":"nope"}')).body.error).toMatch(/^scenario "nope": \/: expected a known scenario id/);
    expect((await post('{"name":"x"}')).body.error).toBe('request body: /id: expected a scenario id (a string)');
    // The mock keeps serving in the scenario it was in.
    expect((await t.https().get('/v1/version').set('Authorization', bearer(key))).status).toBe(401);
  });
});

describe('a scenario and POST /__mock/reset', () => {
  const post = (t: InProcessTestMock, path: string, body = '{}') =>
    t.https().post(path).set('Content-Type', 'application/json').send(body);

  it('reset returns to the scenario: its faults with fresh counters, its clock, the same key', async () => {
    const s = { ...B5, initial: { ...B5.initial, clock: { now: '2031-05-01T00:00:00Z' } } };
    const t = await startInProcessMock({ scenario: s, seedKeys: [] });
    const auth = bearer(t.mock.keys.agent!);
    const run = async () => {
      const out = [];
      for (let i = 0; i < 3; i++) out.push((await t.https().get('/v1/version').set('Authorization', auth)).status);
      return out;
    };
    expect(await run()).toEqual([200, 200, 401]);
    await post(t, '/__mock/faults', '{"name":"empty-200"}');
    t.clock.advance(86400);
    expect((await post(t, '/__mock/reset')).status).toBe(200);
    expect(new Date(t.clock.nowMs()).toISOString().slice(0, 10)).toBe('2031-05-01');
    expect(await run()).toEqual([200, 200, 401]);
  });

  it('a scenario key whose name the mock seeded already is a 400 line, and the mock keeps its state', async () => {
    const t = await startInProcessMock({ seedKeys: [{ name: 'ci', role: 'Viewer' }] });
    const res = await post(t, '/__mock/scenario', '{"id":"b12-proxy-strips-authorization"}');
    expect([res.status, res.body.error]).toEqual([
      400,
      'scenario "b12-proxy-strips-authorization": /initial: --seed-key ci: a key with that name already exists',
    ]);
    expect((await t.https().get('/v1/version').set('Authorization', bearer(t.mock.keys.ci!))).status).toBe(200);
    expect((await t.https().get('/__mock/faults')).body.faults).toEqual([]);
  });
});
