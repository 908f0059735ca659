/**
 * Expectation files (issues 5 and 6): a stale entry (a verdict that did not happen) fails the
 * run, on every profile it names and only there; a missing client gets a column that says so;
 * --profile picks the columns; bad usage exits 2.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCheck, verdictOf } from './run-check.ts';

/** A directory holding one curl.expect.json with these case entries. */
function expectationsDir(cases: Record<string, unknown>): string {
  const dir = mkdtempSync(join(tmpdir(), 'pmmconf-expect-'));
  writeFileSync(join(dir, 'curl.expect.json'), JSON.stringify({ client: 'curl', cases }));
  return dir;
}

const STALE = { verdict: 'FAIL', reason: 'pretend curl mangles the header', source: 'none: a deliberately stale entry' };

describe('pmm-auth-check expectations and edge cases', () => {
  it('issues 5, 6: an expectation that did not happen (stale) fails the run, once per profile', async () => {
    const dir = expectationsDir({ 'client.bearer.exact': STALE });
    const run = await runCheck(['--only', 'curl', '--cases', 'client.bearer.exact', '--expectations', dir]);
    expect(run.code).toBe(1);
    expect(run.report.unexpected).toEqual([
      expect.stringMatching(/^curl pmm2 client\.bearer\.exact: PASS, expected FAIL \(stale expectation\)/),
      expect.stringMatching(/^curl pmm3 client\.bearer\.exact: PASS, expected FAIL \(stale expectation\)/),
    ]);
    expect(verdictOf(run.report, 'curl', 'pmm3', 'client.bearer.exact').expected).toBe(false);
  }, 120_000);

  it('issue 6: an entry with "profiles": ["pmm3"] applies on PMM 3 only; PMM 2 keeps the default PASS', async () => {
    const dir = expectationsDir({ 'client.bearer.exact': [{ ...STALE, profiles: ['pmm3'] }] });
    const run = await runCheck(['--only', 'curl', '--cases', 'client.bearer.exact', '--expectations', dir]);
    expect(run.report.unexpected).toEqual([expect.stringMatching(/^curl pmm3 client\.bearer\.exact: PASS, expected FAIL \(stale expectation\)/)]);
    expect(verdictOf(run.report, 'curl', 'pmm2', 'client.bearer.exact')).toMatchObject({ verdict: 'PASS', expected: true });
    expect(verdictOf(run.report, 'curl', 'pmm3', 'client.bearer.exact')).toMatchObject({ verdict: 'PASS', expected: false, expectedVerdict: 'FAIL' });
  }, 120_000);

  it('issue 6: --profile pmm3 runs the PMM 3 column only (its report has no PMM 2)', async () => {
    const run = await runCheck(['--only', 'curl', '--cases', 'client.userinfo.basic', '--profile', 'pmm3']);
    expect(run.code).toBe(0);
    expect(run.report.profiles.map((p) => p.name)).toEqual(['pmm3']);
    expect(Object.keys(run.report.clients.curl!.profiles)).toEqual(['pmm3']);
    expect(verdictOf(run.report, 'curl', 'pmm3', 'client.userinfo.basic').reason).toContain('Basic service_token:<key> (glsa_');
    expect(readFileSync(join(run.dir, 'report.md'), 'utf8')).not.toContain('PMM 2');
  }, 120_000);

  it('issues 5, 6: a client that cannot run gets a column saying it is missing, and the run goes on', async () => {
    const run = await runCheck(['--client', 'ghost=/nonexistent/ghost-client', '--only', 'curl', '--cases', 'client.bearer.exact', '--profile', 'pmm2']);
    expect(run.report.clients.ghost!.missing).toMatch(/not installed|cannot/);
    expect(run.report.clients.ghost!.version).toBeNull();
    expect(run.report.clients.ghost!.profiles).toEqual({});
    expect(verdictOf(run.report, 'curl', 'pmm2', 'client.bearer.exact').verdict).toBe('PASS');
    expect(run.code).toBe(0);
  }, 120_000);

  it('issue 6: --cases does not make a built-in expectation file "unknown" (wget has entries for other cases)', async () => {
    const run = await runCheck(['--only', 'wget', '--cases', 'client.bearer.exact', '--profile', 'pmm2']);
    expect(run.code).toBe(0);
    expect(verdictOf(run.report, 'wget', 'pmm2', 'client.bearer.exact').verdict).toBe('PASS');
  }, 120_000);

  it.each([
    ['an unknown built-in', ['--only', 'netscape'], /--only: unknown client/],
    ['a --client without =', ['--client', 'nameonly'], /expected NAME=EXECUTABLE/],
    ['a case glob that matches nothing', ['--cases', 'client.nothing.*'], /matches no case/],
    ['an unknown profile', ['--profile', 'pmm4'], /--profile "pmm4": expected pmm2, pmm3 or all/],
    ['an expectation for an unknown profile', ['--only', 'curl', '--expectations', expectationsDir({ 'client.bearer.exact': { ...STALE, profiles: ['pmm4'] } })], /"profiles" must be a non-empty list of pmm2, pmm3/],
  ])('issues 5, 6: %s → exit 2, a message saying why, and no report', async (_label, args, message) => {
    const error = await runCheck(args).then(() => new Error('exit 0 or 1 with a report'), (e: Error) => e);
    expect(error.message).toMatch(/exit 2/);
    expect(error.message).toMatch(message);
  }, 60_000);
});
