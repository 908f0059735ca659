/**
 * `pmm-auth-check scenarios` end to end (issue 13 part 3), as a user runs it: the built-in curl
 * adapter and shell clients of the test's own through a catalogue scenario (B12) and a scenario
 * file of the test's own (a 502 on every API request). Careless clients — one that loops on 401,
 * one that retries a 5xx without bound — get FAIL; a client that retries too often but stops gets
 * NON-STRICT; careful ones PASS. Bad usage is one line and exit 2, with no report.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as careless from './careless-clients.ts';
import { cleanupRuns, refusedRun, runCheck, verdictOf, type CheckRun, type Report } from './run-check.ts';

const dir = mkdtempSync(join(tmpdir(), 'pmmconf-scenarios-'));
const B12 = 'b12-proxy-strips-authorization';
const T5XX = 'test-502-everywhere';

/** A scenario of the test's own: nginx's 502 page for every API request ("Grafana is down"). */
const scenario502 = join(dir, `${T5XX}.json`);
writeFileSync(
  scenario502,
  JSON.stringify({
    id: T5XX,
    title: 'Grafana is down: nginx answers 502 to every API request',
    symptom: 'Every request to /v1/… answers 502 Bad Gateway.',
    product: { profile: 'pmm2' },
    sources: ['https://github.com/grafana/grafana/issues/61544'],
    initial: { keys: [{ name: 'agent', role: 'Viewer' }] },
    faults: [{ name: 'status', layer: 'nginx-502', path: '/v1/**' }],
    expect: [
      {
        id: 'client.retry.5xx-bounded',
        level: 'SHOULD',
        check: 'retry-bounded',
        after: { status: '5xx' },
        maxRequests: 3,
        description: 'A 5xx may be retried, a bounded number of times.',
        source: 'https://github.com/grafana/grafana/issues/61544',
      },
    ],
  }),
);

const retries5xx = (name: string, n: number): string => careless.retries5xx(dir, name, n);

let ok: CheckRun & { report: Report };
let lax: CheckRun & { report: Report };

beforeAll(async () => {
  [ok, lax] = await Promise.all([
    runCheck(
      [
        ...['--client', retries5xx('careful', 2), '--only', 'curl,careful'],
        ...['--scenario', B12, '--scenario-file', scenario502, '--timeout', '5'],
      ],
      {},
      'scenarios',
    ),
    // Runs side by side, each client only where it is careless (each hang costs the 2 s timeout).
    runCheck(
      [...['--client', careless.loopsForever(dir, 'loops-on-401')], ...['--scenario', B12, '--timeout', '2']],
      {},
      'scenarios',
    ),
    runCheck(
      [
        ...['--client', retries5xx('retries-5xx-forever', 1_000_000)],
        ...['--scenario-file', scenario502, '--timeout', '2'],
      ],
      {},
      'scenarios',
    ),
    // Eleven requests finish well within the default timeout, not always within 2 s on a busy machine.
    runCheck(
      [...['--client', retries5xx('retries-5xx-ten', 10)], ...['--scenario-file', scenario502]],
      {},
      'scenarios',
    ),
  ]).then(([a, ...lax]) => [
    a,
    {
      ...lax[0]!,
      code: Math.max(...lax.map((r) => r.code ?? 2)),
      stdout: lax.map((r) => r.stdout).join(''),
      stderr: lax.map((r) => r.stderr).join(''),
      leftovers: lax.flatMap((r) => r.leftovers),
      report: { ...lax[0]!.report, clients: Object.assign({}, ...lax.map((r) => r.report.clients)) },
    },
  ]);
}, 120_000);
afterAll(() => {
  cleanupRuns();
  rmSync(dir, { recursive: true, force: true });
});

describe('pmm-auth-check scenarios', () => {
  it('runs curl and a careful client through a catalogue scenario and a file of its own: PASS, exit 0', () => {
    expect(ok.code, ok.stderr).toBe(0);
    expect(verdictOf(ok.report, 'curl', 'pmm2', B12).verdict).toBe('PASS');
    expect(verdictOf(ok.report, 'careful', 'pmm2', B12).verdict).toBe('PASS');
    // curl makes one request (REPEAT 1) and reports the 502; the careful client retries it twice.
    expect(verdictOf(ok.report, 'curl', 'pmm2', T5XX)).toMatchObject({ verdict: 'PASS', expected: true });
    const careful = verdictOf(ok.report, 'careful', 'pmm2', T5XX);
    expect(careful.verdict).toBe('PASS');
    expect(careful.reason).toContain('2 repeat(s) of GET /v1/version');
    expect(careful.reason).toContain('source: https://github.com/grafana/grafana/issues/61544');
    expect(ok.report.cases.map((c) => c.id)).toEqual([B12, T5XX]);
    expect(ok.report.about.format).toContain('scenarios');
    expect(ok.leftovers).toEqual([]);
  });

  it('a client looping on 401 and one retrying a 5xx without bound: FAIL (stopped at the timeout); too many retries: NON-STRICT; exit 1', () => {
    expect(lax.code, lax.stderr).toBe(1);
    const loop = verdictOf(lax.report, 'loops-on-401', 'pmm2', B12);
    expect(loop.verdict).toBe('FAIL');
    expect(loop.reason).toMatch(/did not stop within the 2 s timeout \(\d+ request/);
    expect(loop.reason).toContain('client.retry.401-no-loop (SHOULD)');
    expect(verdictOf(lax.report, 'retries-5xx-forever', 'pmm2', T5XX).verdict).toBe('FAIL');
    const ten = verdictOf(lax.report, 'retries-5xx-ten', 'pmm2', T5XX);
    expect(ten.verdict).toBe('NON-STRICT');
    expect(ten.reason).toContain('10 repeat(s) of GET /v1/version');
    expect(lax.stdout).toContain('UNEXPECTED loops-on-401 b12-proxy-strips-authorization: FAIL, expected PASS');
    expect(lax.leftovers).toEqual([]);
  });

  it.each([
    [['--scenario', 'zz-no-such-*'], /^pmm-auth-check: --scenario "zz-no-such-\*" matches no scenario \(ids: /],
    [['--scenario', '[b1'], /^pmm-auth-check: --scenario "\[b1": a glob over scenario ids uses only/],
    [['--bogus'], /^pmm-auth-check: Unknown option '--bogus' \(see --help\)$/],
    [['--timeout', '0'], /^pmm-auth-check: --timeout must be a whole number of seconds from 1 to 600, got "0"$/],
    [
      ['--scenario-file', join(dir, 'missing.json')],
      /^pmm-auth-check: .*missing\.json: cannot be read as JSON \(no such file\)$/,
    ],
  ])('%j → one line, exit 2, no report', async (args, line) => {
    const r = await refusedRun(args, {}, 'scenarios');
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.first).toMatch(line);
    expect(r.reportDirLeft).toBe(false);
  });
});
