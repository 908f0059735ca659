/**
 * The long fuzz run behind `npm run fuzz` (scripts/fuzz.ts): flags, the runs on each profile and
 * their report. Returns the exit code; writes through `out` and `err` (in-process tests give theirs).
 */
import { parseArgs } from 'node:util';
import { clean, type FuzzReport, fuzzProfile, type ProfileName } from '../../mock/fuzz/properties.ts';

const USAGE = `Usage: npm run fuzz -- [--runs N] [--profile pmm2|pmm3] [--seed N]
  Sends N generated requests (default 10000) to each profile's in-process mock (default both),
  four fifths through the request property and one fifth through the control API's, with fast-check
  seed N (default 1212, the test's). Prints the answers by status, the crashes, hangs, undocumented
  5xx and leaked keys, and each failing property's shrunk counterexample (keys redacted).
  Exit code: 0 none of those, 1 any, 2 bad flags.
`;

/** A bad flag: its one line (and exit 2). */
class UsageError extends Error {}

function fail(message: string): never {
  throw new UsageError(`fuzz: ${message} (see --help)`);
}

function positiveInteger(flag: string, text: string, min: number): number {
  if (!/^\d+$/.test(text) || Number(text) < min || !Number.isSafeInteger(Number(text)))
    fail(`--${flag} must be an integer ≥ ${min}, not "${text}"`);
  return Number(text);
}

function print(out: (text: string) => void, r: FuzzReport, seconds: number): void {
  const total = Object.values(r.statuses).reduce((a, b) => a + b, 0);
  const byStatus = Object.entries(r.statuses)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([s, n]) => `${s}: ${n}`)
    .join(', ');
  out(
    `${r.profile}: ${total} requests in ${seconds.toFixed(1)} s — ${byStatus}\n` +
      `${r.profile}: crashes ${r.crashes}, hangs ${r.hangs}, undocumented 5xx ${r.undocumented}, leaked keys ${r.leaks}, GET /v1/readyz afterwards ${r.readyz}\n`,
  );
  const documented = Object.entries(r.documented).map(([id, n]) => `${id}: ${n}`);
  if (documented.length > 0) out(`${r.profile}: documented 5xx — ${documented.join(', ')}\n`);
  for (const f of r.failures) out(`${f}\n`);
}

export async function fuzzMain(
  args: readonly string[],
  out: (text: string) => void,
  err: (text: string) => void,
): Promise<number> {
  try {
    return await run(args, out);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    err(`${e.message}\n`);
    return 2;
  }
}

async function run(args: readonly string[], out: (text: string) => void): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...args],
      strict: true,
      allowPositionals: false,
      options: {
        runs: { type: 'string', default: '10000' },
        profile: { type: 'string' },
        seed: { type: 'string', default: '1212' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }));
  } catch (e) {
    fail((e as Error).message.split('\n')[0]!);
  }
  if (values.help) {
    out(USAGE);
    return 0;
  }
  const runs = positiveInteger('runs', values.runs, 1);
  const seed = positiveInteger('seed', values.seed, 0);
  if (values.profile !== undefined && values.profile !== 'pmm2' && values.profile !== 'pmm3')
    fail(`--profile must be pmm2 or pmm3, not "${values.profile}"`);
  const profiles: ProfileName[] = values.profile ? [values.profile as ProfileName] : ['pmm2', 'pmm3'];

  let ok = true;
  for (const profile of profiles) {
    const started = performance.now();
    const report = await fuzzProfile({ profile, runs, seed });
    print(out, report, (performance.now() - started) / 1000);
    ok &&= clean(report);
  }
  out(ok ? 'fuzz: clean\n' : 'fuzz: FAILED\n');
  return ok ? 0 : 1;
}
