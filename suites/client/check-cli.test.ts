/**
 * Expectation files (issues 5 and 6): a stale entry (a verdict that did not happen) fails the
 * run, on every profile it names and only there; a missing client gets a column that says so;
 * --profile picks the columns; bad usage exits 2. And --mock-url (issue 10): the runs here go to
 * mocks this file starts once, as a user's separately started mock.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnMock, type SpawnedMock } from '../_support/spawn-mock.ts';
import { startMockPool, type MockPool } from './mock-pool.ts';
import { cleanupRuns, refusedRun, runCheck, verdictOf } from './run-check.ts';

const dirs: string[] = [];
/** A directory holding one curl.expect.json with these case entries. */
function expectationsDir(cases: Record<string, unknown>): string {
  const dir = mkdtempSync(join(tmpdir(), 'pmmconf-expect-'));
  dirs.push(dir);
  writeFileSync(join(dir, 'curl.expect.json'), JSON.stringify({ client: 'curl', cases }));
  return dir;
}

let pool: MockPool;
/** A mock without certificate personalities (no --tls): the harness must refuse it. */
let plain: SpawnedMock | undefined;
beforeAll(async () => {
  [pool, plain] = await Promise.all([startMockPool(1), spawnMock(['--admin-password', 'plain-pw'])]);
}, 60_000);
afterAll(async () => {
  cleanupRuns();
  await Promise.all([pool?.stop(), plain?.stop()]);
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
/** The pool's mocks (a pmm2 and a pmm3 process) as --mock-url arguments. */
const mocks = (): string[] => pool.args;

const STALE = {
  verdict: 'FAIL',
  reason: 'pretend curl mangles the header',
  source: 'none: a deliberately stale entry',
};

describe('pmm-auth-check expectations and edge cases', () => {
  it('issues 5, 6: an expectation that did not happen (stale) fails the run, once per profile', async () => {
    const dir = expectationsDir({ 'client.bearer.exact': STALE });
    const run = await runCheck([...mocks(), '--only', 'curl', '--cases', 'client.bearer.exact', '--expectations', dir]);
    expect(run.code).toBe(1);
    expect(run.report.unexpected).toEqual([
      expect.stringMatching(/^curl pmm2 client\.bearer\.exact: PASS, expected FAIL \(stale expectation\)/),
      expect.stringMatching(/^curl pmm3 client\.bearer\.exact: PASS, expected FAIL \(stale expectation\)/),
    ]);
    expect(verdictOf(run.report, 'curl', 'pmm3', 'client.bearer.exact').expected).toBe(false);
  }, 120_000);

  it('issue 6: an entry with "profiles": ["pmm3"] applies on PMM 3 only; PMM 2 keeps the default PASS', async () => {
    const dir = expectationsDir({ 'client.bearer.exact': [{ ...STALE, profiles: ['pmm3'] }] });
    const run = await runCheck([...mocks(), '--only', 'curl', '--cases', 'client.bearer.exact', '--expectations', dir]);
    expect(run.report.unexpected).toEqual([
      expect.stringMatching(/^curl pmm3 client\.bearer\.exact: PASS, expected FAIL \(stale expectation\)/),
    ]);
    expect(verdictOf(run.report, 'curl', 'pmm2', 'client.bearer.exact')).toMatchObject({
      verdict: 'PASS',
      expected: true,
    });
    expect(verdictOf(run.report, 'curl', 'pmm3', 'client.bearer.exact')).toMatchObject({
      verdict: 'PASS',
      expected: false,
      expectedVerdict: 'FAIL',
    });
  }, 120_000);

  it('issue 6: --profile pmm3 runs the PMM 3 column only (its report has no PMM 2)', async () => {
    const run = await runCheck([...mocks(), '--only', 'curl', '--cases', 'client.userinfo.basic', '--profile', 'pmm3']);
    expect(run.code).toBe(0);
    expect(run.report.profiles.map((p) => p.name)).toEqual(['pmm3']);
    expect(Object.keys(run.report.clients.curl!.profiles)).toEqual(['pmm3']);
    expect(verdictOf(run.report, 'curl', 'pmm3', 'client.userinfo.basic').reason).toContain(
      'Basic service_token:<key> (glsa_',
    );
    expect(readFileSync(join(run.dir, 'report.md'), 'utf8')).not.toContain('PMM 2');
  }, 120_000);

  it('issues 5, 6: a client that cannot run gets a column saying it is missing, and the run goes on', async () => {
    const run = await runCheck([
      ...mocks(),
      '--client',
      'ghost=/nonexistent/ghost-client',
      '--only',
      'curl',
      '--cases',
      'client.bearer.exact',
      '--profile',
      'pmm2',
    ]);
    expect(run.report.clients.ghost!.missing).toMatch(/not installed|cannot/);
    expect(run.report.clients.ghost!.version).toBeNull();
    expect(run.report.clients.ghost!.profiles).toEqual({});
    expect(verdictOf(run.report, 'curl', 'pmm2', 'client.bearer.exact').verdict).toBe('PASS');
    expect(run.code).toBe(0);
  }, 120_000);

  it('issue 6: --cases does not make a built-in expectation file "unknown" (wget has entries for other cases)', async () => {
    const run = await runCheck([...mocks(), '--only', 'wget', '--cases', 'client.bearer.exact', '--profile', 'pmm2']);
    expect(run.code).toBe(0);
    expect(verdictOf(run.report, 'wget', 'pmm2', 'client.bearer.exact').verdict).toBe('PASS');
  }, 120_000);

  // These exit before any mock is needed: side by side.
  it.concurrent.each([
    ['an unknown built-in', ['--only', 'netscape'], /--only: unknown client/],
    ['a --client without =', ['--client', 'nameonly'], /expected NAME=EXECUTABLE/],
    ['a case glob that matches nothing', ['--cases', 'client.nothing.*'], /matches no case/],
    ['an unknown profile', ['--profile', 'pmm4'], /--profile "pmm4": expected pmm2, pmm3 or all/],
    [
      'an expectation for an unknown profile',
      [
        '--only',
        'curl',
        '--expectations',
        expectationsDir({ 'client.bearer.exact': { ...STALE, profiles: ['pmm4'] } }),
      ],
      /"profiles" must be a non-empty list of pmm2, pmm3/,
    ],
    ['a --jobs of 0', ['--jobs', '0'], /--jobs must be an integer from 1 to 32/],
    [
      'a --mock-url with a path',
      ['--mock-url', 'https://127.0.0.1:8443/v1/version'],
      /--mock-url "[^"]+": expected the mock's main URL/,
    ],
    ['--mock-ca without --mock-url', ['--mock-ca', '/nonexistent/ca.pem'], /apply to --mock-url/],
  ])(
    'issues 5, 6, 10: %s → exit 2, a message saying why, and no report',
    async (_label, args, message) => {
      const error = await refusedRun(args);
      expect(error.message).toMatch(/exit 2/);
      expect(error.message).toMatch(message);
    },
    60_000,
  );

  it('issue 10: --mock-url runs against a mock started separately; without --profile its profile is the column', async () => {
    const pmm3 = pool.mocks.find((m) => m.profile === 'pmm3')!.mock;
    const run = await runCheck([
      '--mock-url',
      pmm3.https,
      '--mock-admin-password',
      'pool-admin-pw',
      '--mock-ca',
      pmm3.caFile,
      '--only',
      'curl',
      '--cases',
      'client.status.401',
    ]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.report.profiles.map((p) => p.name)).toEqual(['pmm3']);
    // The expired token was created with a lifetime and the mock's clock moved past it.
    expect(verdictOf(run.report, 'curl', 'pmm3', 'client.status.401')).toMatchObject({
      verdict: 'PASS',
      reason: expect.stringMatching(/expired key \(glsa_/),
    });
  }, 60_000);

  it('issue 10: a mock without the certificate personalities → exit 2 naming them and --tls all', async () => {
    const error = await refusedRun([
      '--mock-url',
      plain!.https,
      '--mock-ca',
      plain!.caFile,
      '--mock-admin-password',
      'plain-pw',
      '--only',
      'curl',
    ]);
    expect(error.message).toMatch(/exit 2/);
    expect(error.message).toMatch(
      /pmm2 mock at https:\/\/127\.0\.0\.1:\d+: it serves no valid, self-signed, .*; start it with --tls all/,
    );
  }, 60_000);

  it('issue 10: a wrong --mock-admin-password → exit 2: the harness cannot create its keys, and says so', async () => {
    // One wrong password on the pool's pmm2 admin: Grafana locks a login only after five (grafana-auth §6.1).
    const pmm2 = pool.mocks.find((m) => m.profile === 'pmm2')!.mock;
    const error = await refusedRun(['--mock-url', pmm2.https, '--mock-admin-password', 'wrong-pw', '--only', 'curl']);
    expect(error.message).toMatch(/exit 2/);
    expect(error.message).toMatch(
      /cannot create the Viewer key "client-viewer-\w+" as admin: POST \/graph\/api\/auth\/keys answered 401/,
    );
  }, 60_000);
});
