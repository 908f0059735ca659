/**
 * Issue 12's fuzz suite: fast-check properties with a fixed seed over hostile and careless requests
 * on both profiles, in process (mock/fuzz/properties.ts). Each run: no exception escapes, no 5xx but
 * a documented one (fixtures/documented-5xx.json), an answer within 2 s, no whole key in the
 * journal, and `GET /v1/readyz` answers afterwards. `npm run fuzz` runs the same for longer.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { RequestSpec } from './arbitraries.ts';
import { loadDocumented5xx } from './documented-5xx.ts';
import { type FuzzReport, fuzzProfile } from './properties.ts';

/** Requests per profile: the CPU budget of this file is ≤ 8 s on the 2-core CI machine. */
const RUNS = 500;
const SEED = 1212;

const findings = (r: FuzzReport) => ({
  crashes: r.crashes,
  hangs: r.hangs,
  undocumented: r.undocumented,
  leaks: r.leaks,
  failures: r.failures,
  readyz: r.readyz,
});

describe.each(['pmm2', 'pmm3'] as const)('fuzz, profile %s', (profile) => {
  it(`${RUNS} generated requests: no crash, hang, undocumented 5xx or key in the journal; readyz after`, async () => {
    const r = await fuzzProfile({ profile, runs: RUNS, seed: SEED });
    expect(findings(r)).toEqual({ crashes: 0, hangs: 0, undocumented: 0, leaks: 0, failures: [], readyz: 200 });
    // The requests got past the front door too: some succeeded, some were refused by role or route.
    const n = (s: string) => r.statuses[s] ?? 0;
    expect(Object.values(r.statuses).reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(RUNS);
    expect(n('200')).toBeGreaterThan(5);
    expect(n('401') + n('403') + n('404')).toBeGreaterThan(RUNS / 4);
  });
});

describe('the fuzz properties can fail', () => {
  it('a 5xx the table does not list is a finding, shrunk to its counterexample', async () => {
    // A documented 500 (a key name over 190 characters) with the row taken out of the table.
    const rows = loadDocumented5xx().filter((r) => r.id !== 'key-name-too-long');
    const requests = fc.constant<RequestSpec>({
      method: 'POST',
      path: '/graph/api/auth/keys',
      query: [],
      auth: { scheme: 'Bearer', sep: ' ', secret: { key: 'admin', mangle: { op: 'none' } } },
      contentType: 'application/json',
      body: JSON.stringify({ name: 'n'.repeat(191), role: 'Viewer' }),
      listener: 'https',
    });
    const r = await fuzzProfile({ profile: 'pmm2', runs: 10, seed: SEED, rows, requests });
    expect(r.undocumented).toBe(1);
    expect(r.failures).toHaveLength(1);
    expect(r.failures[0]).toMatch(
      /^pmm2 requests: undocumented 500: \{"message":"Failed to add API Key"[\s\S]*counterexample: /,
    );
    // The counterexample names the key it used, and holds none.
    expect(r.failures[0]).toContain('"key":"admin"');
    expect(r.failures[0]).not.toMatch(/eyJ[A-Za-z0-9+/]{16}/);
  });

  it('a documented answer reached through a dot segment is the documented one (the path as routed)', async () => {
    // Found by the long run: GET /./graph/api/auth/key (and /./%67raph/…) as a user is grafana-auth §1.1's 500.
    const requests = fc.constant<RequestSpec>({
      method: 'GET',
      path: '/./%67raph/api/auth/key',
      query: [],
      auth: { scheme: 'Basic', sep: ' ', basicLogin: 'editor', secret: { text: 'editor-pw' } },
      listener: 'http',
    });
    const r = await fuzzProfile({ profile: 'pmm3', runs: 10, seed: SEED, requests });
    expect(r.failures).toEqual([]);
    expect(r.documented['current-key-not-a-key']).toBeGreaterThanOrEqual(1);
  });
});
