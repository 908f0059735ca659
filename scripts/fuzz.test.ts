/**
 * `npm run fuzz` (scripts/fuzz.ts) as a user runs it: a short clean run prints the answers by status
 * and exits 0; a bad flag is one line on stderr and exit 2.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { run } from '../mock/testing/run.ts';

const SCRIPT = fileURLToPath(new URL('./fuzz.ts', import.meta.url));
const fuzz = (...args: string[]) => run(process.execPath, ['--import', 'tsx', SCRIPT, ...args]);

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

  // One bad flag only: each case is a process start (about a CPU-second); the others are alike.
  it('a bad flag is one line on stderr and exit 2', async () => {
    const r = await fuzz('--runs', '0');
    expect(r.stderr).toBe('fuzz: --runs must be an integer ≥ 1, not "0" (see --help)\n');
    expect(r.stdout).toBe('');
    expect(r.code).toBe(2);
  });
});
