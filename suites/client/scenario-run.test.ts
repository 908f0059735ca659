/**
 * Issue 13 part 3, in process: how `pmm-auth-check scenarios` turns judgements into one verdict
 * (a client the harness stopped is FAIL at any level; MUST → FAIL; SHOULD → NON-STRICT; nothing
 * judged → INFO), what a scenario asks of a client by default, and the glob over ids.
 */
import { describe, expect, it } from 'vitest';
import type { Outcome } from './adapter.ts';
import type { Judgement } from './scenario-expect.ts';
import { clientRequest, globToRegExp, loadScenarios, selectScenarios, type ScenarioFile } from './scenario-files.ts';
import { verdictOf } from './scenario-run.ts';

const scenario: ScenarioFile = {
  id: 'x',
  title: 't',
  symptom: 's',
  product: { profile: 'pmm2' },
  sources: ['https://example.test/issue/1'],
  initial: { keys: [{ name: 'first' }, { name: 'second' }], users: [{ login: 'ops' }] },
  expect: [],
};
const response: Outcome = { kind: 'response', status: 401, body: '' };
const j = (level: Judgement['level'], pass: boolean | null, source = 'https://example.test/s'): Judgement => ({
  id: `client.${level.toLowerCase()}`,
  level,
  pass,
  reason: `reason ${String(pass)}`,
  source,
});
const verdict = (outcome: Outcome, js: Judgement[]) => verdictOf(scenario, outcome, js, 3, 2000);

describe('scenario verdicts', () => {
  it('PASS, FAIL on a MUST, NON-STRICT on a SHOULD or MAY — each reason ends with the source it rests on', () => {
    expect(verdict(response, [j('SHOULD', true)])).toMatchObject({ verdict: 'PASS' });
    expect(verdict(response, [j('MUST', false, 'https://m'), j('SHOULD', false)])).toMatchObject({
      verdict: 'FAIL',
      reason: expect.stringMatching(/ — source: https:\/\/m$/),
    });
    expect(verdict(response, [j('SHOULD', false), j('MUST', true)]).verdict).toBe('NON-STRICT');
    expect(verdict(response, [j('MAY', false)]).verdict).toBe('NON-STRICT');
  });

  it('a client stopped at the timeout is FAIL whatever the levels; nothing judged is INFO with the scenario source', () => {
    const stopped = verdict({ kind: 'timeout' }, [j('SHOULD', true)]);
    expect(stopped).toMatchObject({
      verdict: 'FAIL',
      reason: expect.stringContaining('did not stop within the 2 s timeout (3 request(s)'),
    });
    expect(verdict(response, [j('SHOULD', null)])).toMatchObject({
      verdict: 'INFO',
      reason: expect.stringMatching(/^not judged: .* — source: https:\/\/example\.test\/s$/),
    });
    expect(verdict(response, [])).toMatchObject({
      verdict: 'INFO',
      reason: expect.stringMatching(/^nothing to judge: .* — source: https:\/\/example\.test\/issue\/1$/),
    });
    const cannot: Outcome = { kind: 'error', error: 'unsupported', message: 'no URL credentials', exitCode: 2 };
    expect(verdict(cannot, [j('SHOULD', false)]).verdict).toBe('UNSUPPORTED');
  });
});

describe('what a scenario asks of a client', () => {
  it('defaults: GET /v1/version with the first key, Bearer, REPEAT 1, the mock CA', () => {
    expect(clientRequest(scenario)).toEqual({
      method: 'GET',
      path: '/v1/version',
      credential: 'first',
      isUser: false,
      authMode: 'bearer',
      repeat: 1,
      tlsMode: 'ca',
    });
  });

  it('a user credential goes in the URL; a body object becomes JSON text', () => {
    const s = { ...scenario, client: { credential: 'ops', method: 'POST', body: { a: 1 }, repeat: 4 } } as const;
    expect(clientRequest(s)).toMatchObject({
      credential: 'ops',
      isUser: true,
      authMode: 'userinfo',
      body: '{"a":1}',
      repeat: 4,
    });
  });

  it('the glob: * is any run, everything else literal', () => {
    expect(globToRegExp('b1*').test('b12-proxy')).toBe(true);
    expect(globToRegExp('b1.').test('b12')).toBe(false);
    const all = loadScenarios();
    expect(all.map((s) => s.id)).toContain('b12-proxy-strips-authorization');
    expect(selectScenarios(all, 'b12-*').map((s) => s.id)).toEqual(['b12-proxy-strips-authorization']);
    expect(selectScenarios(all, 'nothing-*')).toEqual([]);
  });
});
