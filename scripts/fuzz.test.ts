/**
 * `npm run fuzz` (scripts/fuzz.ts, a thin entry around fuzzMain): a short clean run prints the
 * answers by status and exits 0; a bad flag is one line on stderr and exit 2. In-process: a process
 * start through tsx costs more CPU than the runs.
 */
import { describe, expect, it } from 'vitest';
import { fuzzMain } from './lib/fuzz-main.ts';

async function fuzz(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await fuzzMain(
    args,
    (t) => (stdout += t),
    (t) => (stderr += t),
  );
  return { code, stdout, stderr };
}

describe('npm run fuzz', () => {
  it('a short run on one profile prints the counts and exits 0', async () => {
    const r = await fuzz('--runs', '50', '--profile', 'pmm3', '--seed', '7');
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^pmm3: 50 requests in [\d.]+ s — .*\b401: \d+/m);
    expect(r.stdout).toMatch(
      /^pmm3: crashes 0, hangs 0, undocumented 5xx 0, leaked keys 0, GET \/v1\/readyz afterwards 200$/m,
    );
    expect(r.stdout).not.toMatch(/^pmm2:/m);
    expect(r.stdout.trimEnd().split('\n').at(-1)).toBe('fuzz: clean');
    expect(r.code).toBe(0);
  });

  it('a bad flag is one line on stderr and exit 2', async () => {
    const r = await fuzz('--runs', '0');
    expect(r.stderr).toBe('fuzz: --runs must be an integer ≥ 1, not "0" (see --help)\n');
    expect(r.stdout).toBe('');
    expect(r.code).toBe(2);
  });
});
