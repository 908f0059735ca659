/**
 * The retry cases of the client matrix (issue 13 part 5) can fail a client: one that loops on a
 * 401 and one that retries a 5xx without bound are stopped at the timeout and get FAIL; one that
 * retries a 5xx ten times gets NON-STRICT (the case is SHOULD); a careful one (two retries) PASS.
 * One pmm2 mock for the file, given with --mock-url; the pmm3 column runs the same code.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loopsForever, retries5xx } from './careless-clients.ts';
import { startMockPool, type MockPool } from './mock-pool.ts';
import { cleanupRuns, runCheck, verdictOf, type CheckRun, type Report } from './run-check.ts';

const dir = mkdtempSync(join(tmpdir(), 'pmmconf-retry-'));
let run: CheckRun & { report: Report };
let pool: MockPool | undefined;

beforeAll(async () => {
  pool = await startMockPool(1, ['pmm2']);
  // The clients that never stop cost the 2 s timeout each; those that stop get the default one (eleven
  // requests do not always fit in 2 s on a busy machine). One after the other: they share the mock.
  const never = await runCheck([
    ...pool.args,
    ...['--timeout', '2', '--cases', 'client.retry.*'],
    ...['--client', loopsForever(dir, 'loops'), '--client', retries5xx(dir, 'retries-5xx-forever', 1_000_000)],
  ]);
  const stop = await runCheck([
    ...pool.args,
    ...['--cases', 'client.retry.*'],
    ...['--client', retries5xx(dir, 'retries-5xx-ten', 10), '--client', retries5xx(dir, 'careful', 2)],
  ]);
  run = {
    ...never,
    code: Math.max(never.code ?? 2, stop.code ?? 2),
    stderr: never.stderr + stop.stderr,
    leftovers: [...never.leftovers, ...stop.leftovers],
    report: { ...never.report, clients: { ...never.report.clients, ...stop.report.clients } },
  };
}, 120_000);
afterAll(async () => {
  cleanupRuns();
  await pool?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const v = (client: string, id: string) => verdictOf(run.report, client, 'pmm2', id);

describe('client.retry.* fail careless clients', () => {
  it('a client that never stops: FAIL on both retry cases, stopped at the timeout', () => {
    expect(run.code, run.stderr).toBe(1);
    for (const id of ['client.retry.5xx-bounded', 'client.retry.401-no-loop']) {
      expect(v('loops', id).verdict, id).toBe('FAIL');
      expect(v('loops', id).reason).toMatch(/^did not stop within the timeout; the mock saw \d+ request/);
    }
  });

  it('a 5xx retried without bound: FAIL; ten times: NON-STRICT; twice: PASS — a 401 is not retried by any', () => {
    expect(v('retries-5xx-forever', 'client.retry.5xx-bounded').verdict).toBe('FAIL');
    expect(v('retries-5xx-ten', 'client.retry.5xx-bounded')).toMatchObject({ verdict: 'NON-STRICT' });
    expect(v('retries-5xx-ten', 'client.retry.5xx-bounded').reason).toContain('10 repeat(s) of GET /v1/version');
    expect(v('careful', 'client.retry.5xx-bounded')).toMatchObject({ verdict: 'PASS', expected: true });
    for (const c of ['retries-5xx-forever', 'retries-5xx-ten', 'careful'])
      expect(v(c, 'client.retry.401-no-loop').verdict, c).toBe('PASS');
    expect(run.leftovers).toEqual([]);
  });
});
