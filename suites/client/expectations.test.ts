/**
 * Expectation files (issue 5): a stale entry (a verdict that did not happen) fails the run; a
 * missing client gets a column that says so; bad usage exits 2.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCheck } from './run-check.ts';

describe('pmm-auth-check expectations and edge cases', () => {
  it('issue 5: an expectation that did not happen (stale) fails the run', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pmmconf-expect-'));
    const stale = { cases: { 'client.bearer.exact': { verdict: 'FAIL', reason: 'pretend curl mangles the header', source: 'none: a deliberately stale entry' } } };
    writeFileSync(join(dir, 'curl.expect.json'), JSON.stringify(stale));
    const run = await runCheck(['--only', 'curl', '--cases', 'client.bearer.exact', '--expectations', dir]);
    expect(run.code).toBe(1);
    expect(run.report.unexpected).toEqual([expect.stringMatching(/^curl client\.bearer\.exact: PASS, expected FAIL \(stale expectation\)/)]);
    expect(run.report.clients.curl!.cases['client.bearer.exact']!.expected).toBe(false);
  }, 120_000);

  it('issue 5: a client that cannot run gets a column saying it is missing, and the run goes on', async () => {
    const run = await runCheck(['--client', 'ghost=/nonexistent/ghost-client', '--only', 'curl', '--cases', 'client.bearer.exact']);
    expect(run.report.clients.ghost!.missing).toMatch(/not installed|cannot/);
    expect(run.report.clients.ghost!.version).toBeNull();
    expect(run.report.clients.curl!.cases['client.bearer.exact']!.verdict).toBe('PASS');
    expect(run.code).toBe(0);
  }, 120_000);

  it.each([
    ['an unknown built-in', ['--only', 'netscape']],
    ['a --client without =', ['--client', 'nameonly']],
    ['a case glob that matches nothing', ['--cases', 'client.nothing.*']],
  ])('issue 5: %s → exit 2 and no report', async (_label, args) => {
    await expect(runCheck(args)).rejects.toThrow(/exit 2/);
  }, 60_000);
});
