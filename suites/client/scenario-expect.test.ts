/**
 * Issue 13: the scenario expectations judged over journals of a careful and of careless clients —
 * a client that retries a 5xx without bound or loops on 401 gets FAIL, a careful one PASS, and a
 * run that never met the condition is not judged (null).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { JournalEntry } from './journal.ts';
import { judge, matches, type Expectation } from './scenario-expect.ts';

const scenario = (id: string): { expect: Expectation[] } =>
  JSON.parse(readFileSync(new URL(`../../fixtures/scenarios/${id}.json`, import.meta.url), 'utf8')) as {
    expect: Expectation[];
  };

let seq = 0;
const entry = (status: number, more: Partial<JournalEntry> = {}): JournalEntry => ({
  seq: ++seq,
  time: '2030-01-01T00:00:00Z',
  method: 'GET',
  path: '/v1/version',
  query: '',
  scheme: 'https',
  port: 8443,
  personality: null,
  host: '127.0.0.1:8443',
  authorizations: 1,
  credential: { kind: 'bearer', keyPrefix: 'eyJrIjoi', keyFingerprint: 'sha256:0123456789abcdef' },
  rule: null,
  status,
  failure: null,
  fault: null,
  ...more,
});
const verdicts = (id: string, entries: JournalEntry[]) => judge(scenario(id).expect, entries).map((j) => j.pass);

describe('scenario expectations', () => {
  it('B5 client.retry.5xx-bounded: three retries pass, a fourth fails, no 5xx is not judged', () => {
    const run = (retries: number) => [entry(200), entry(500), ...Array.from({ length: retries }, () => entry(500))];
    expect(verdicts('b5-server-fault-invalid-key', run(3))).toEqual([true]);
    expect(verdicts('b5-server-fault-invalid-key', run(4))).toEqual([false]);
    expect(verdicts('b5-server-fault-invalid-key', [entry(200)])).toEqual([null]);
  });

  it('B12 client.retry.401-no-loop: a client looping on 401 fails, with the reason', () => {
    const looping = [entry(401), entry(401), entry(401)];
    const [j] = judge(scenario('b12-proxy-strips-authorization').expect, looping);
    expect(j).toMatchObject({
      pass: false,
      level: 'SHOULD',
      reason: expect.stringContaining('2 repeat(s) of GET /v1/version'),
    });
    expect(
      verdicts('b12-proxy-strips-authorization', [entry(401), entry(200, { path: '/graph/api/auth/keys' })]),
    ).toEqual([true]);
  });

  const x = (check: Record<string, unknown>): Expectation =>
    ({ id: 'x', level: 'MUST', description: 'd', source: 'https://example.org', ...check }) as Expectation;

  it('no-request-after, no-authorization-to, credential-kind and request-count', () => {
    const one = (c: Record<string, unknown>, entries: JournalEntry[]) => judge([x(c)], entries)[0]!.pass;
    expect(
      one({ check: 'no-request-after', after: { failure: 'role too low' } }, [entry(401, { failure: 'role too low' })]),
    ).toBe(true);
    expect(
      one({ check: 'no-request-after', after: { failure: 'role too low' } }, [
        entry(401, { failure: 'role too low' }),
        entry(200),
      ]),
    ).toBe(false);
    const redirected = entry(200, { host: 'other:9443' });
    expect(one({ check: 'no-authorization-to', target: 'other-origin' }, [entry(302), redirected])).toBe(false);
    expect(
      one({ check: 'no-authorization-to', target: 'other-origin' }, [entry(302), { ...redirected, authorizations: 0 }]),
    ).toBe(true);
    expect(one({ check: 'no-authorization-to', target: 'http' }, [entry(200, { scheme: 'http' })])).toBe(false);
    expect(one({ check: 'credential-kind', kinds: ['bearer'] }, [entry(200)])).toBe(true);
    expect(one({ check: 'credential-kind', kinds: ['basic-api-key'] }, [entry(200)])).toBe(false);
    expect(
      one({ check: 'request-count', max: 1, match: { fault: 'reset' } }, [
        entry(0, { fault: 'delay,reset' }),
        entry(0, { fault: 'reset' }),
      ]),
    ).toBe(false);
    expect(one({ check: 'request-count', min: 1 }, [])).toBe(false);
  });

  it('a status class matches its hundreds only', () => {
    expect(matches(entry(503), { status: '5xx' })).toBe(true);
    expect(matches(entry(401), { status: '5xx' })).toBe(false);
    expect(matches(entry(0), { status: 0 })).toBe(true);
  });
});
