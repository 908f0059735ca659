/**
 * `pmm-auth-suite` (scripts/pmm-auth-suite.ts; `npm run test:server`): the server suite's entry
 * point. It checks the configuration and the target first — PMM_SERVER_URL and the TLS variables,
 * then what the target answers (detect.ts) — and starts `vitest run --project server` only when
 * the target can be tested, so that a broken setup ends with one line and exit 2, before vitest
 * prints anything or overwrites the last reports. Then it maps vitest's outcome onto the exit-code
 * contract (USAGE; suite-outcome.ts). It imports nothing from mock/ or scripts/.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pkg from '../../package.json' with { type: 'json' };
import { detectTarget, refusalLine } from './detect.ts';
import { closeAgents } from './http.ts';
import { freshCounts, jsonReportOf, suiteOutcome } from './suite-outcome.ts';
import { pollSecondsFor, targetFromEnv, TargetConfigError } from './target.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const VITEST = join(ROOT, 'node_modules', 'vitest', 'vitest.mjs');

export const USAGE = `Usage: pmm-auth-suite [VITEST OPTION…]      (npm run test:server [-- VITEST OPTION…])

Runs the server conformance suite (vitest project "server") against the PMM that PMM_SERVER_URL
names, or, without PMM_SERVER_URL, against a mock it starts itself. The target is checked first:
vitest starts only when it answers like PMM (GET /graph/api/health like Grafana, GET /v1/version or
/v1/server/version with a 2.x or 3.x "version") and accepts the admin credentials.

Environment:
  PMM_SERVER_URL=https://admin:PASSWORD@host:port   the target, a Grafana server admin; no path
                                (PMM serves its API and /graph at the root of its host)
  PMM_SERVER_CA_FILE=FILE       trust this CA (PEM) for the suite's requests
  PMM_SERVER_INSECURE_TLS=1     skip certificate verification (PMM's own self-signed certificate)
  PMM_SUITE_READ_ONLY=1         create nothing: only the cases that need no key run
  PMM_SUITE_STRICT=1            on a real PMM, SHOULD and OBSERVED deviations fail the run too
  PMM_SUITE_AS_REAL=1           treat a mock as a real PMM (ignore its control API)
  PMM_SUITE_MOCK_POLL_SECONDS=N on a mock only: poll N s instead of 10 s

Options go to vitest as they are, e.g. -t srv.keys (one area), suites/server/seed.test.ts (one file);
--version prints pmm-auth-suite's version, -h/--help this text.

Exit status:
  0    every selected case that applies to the target ran, and none failed (cases that do not apply,
       e.g. the mock-only ones on a real PMM, are skipped with their reason)
  1    a case failed (a MUST case; with PMM_SUITE_STRICT=1 also a SHOULD or OBSERVED one)
  2    bad usage or configuration, or the target could not be tested: PMM_SERVER_URL refused,
       a CA file that cannot be read, a certificate not accepted, the host unreachable, a target
       that is not PMM, the admin credentials refused, or no case ran (every selected case
       skipped, or -t matching none); the last reports are left as they were when vitest did not start
  130  interrupted (Ctrl-C; 143 on SIGTERM): the run's keys and service accounts are still deleted
`;

/**
 * Checks the settings and, with PMM_SERVER_URL, the target; throws a TargetConfigError when the
 * suite cannot test it. Returns what to print before vitest starts.
 */
export async function preflight(env: NodeJS.ProcessEnv): Promise<string | undefined> {
  const fromEnv = targetFromEnv(env);
  if (!fromEnv) {
    // The embedded mock (globalSetup starts it): only the settings that apply to it can be wrong.
    pollSecondsFor('mock', env);
    return undefined;
  }
  try {
    const d = await detectTarget(fromEnv, env);
    return `${fromEnv.baseUrl} answers like PMM ${d.version} (Grafana ${d.grafanaVersion ?? 'version hidden'}${d.kind === 'mock' ? '; it has the control API of pmm-auth-mock' : ''}); starting vitest`;
  } finally {
    closeAgents();
  }
}

/** Runs the command; resolves to the exit code (or exits with 130/143 on a signal). */
export async function main(
  argv: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
  out: NodeJS.WritableStream = process.stdout,
  err: NodeJS.WritableStream = process.stderr,
): Promise<number> {
  if (argv.includes('-h') || argv.includes('--help')) {
    out.write(USAGE);
    return 0;
  }
  if (argv.includes('--version')) {
    out.write(`pmm-auth-suite ${pkg.version}\n`);
    return 0;
  }
  let interrupted: NodeJS.Signals | undefined;
  let forward: ((signal: NodeJS.Signals) => void) | undefined;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (interrupted) return;
    interrupted = signal;
    if (forward) forward(signal);
    else process.exit(signal === 'SIGINT' ? 130 : 143); // nothing created yet
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    try {
      const ready = await preflight(env);
      if (ready) out.write(`pmm-auth-conformance: ${ready}\n`);
    } catch (e) {
      if (!(e instanceof TargetConfigError)) throw e;
      err.write(refusalLine(e));
      return 2;
    }
    const args = argv.some((a) => a === '--project' || a.startsWith('--project='))
      ? argv
      : ['--project', 'server', ...argv];
    const started = Date.now();
    const child = spawn(process.execPath, [VITEST, 'run', ...args], { cwd: ROOT, env, stdio: 'inherit' });
    // A Ctrl-C reaches vitest too (same process group): it then runs its clean-up (global-setup.ts).
    // A signal sent to this process alone is passed on once.
    forward = (signal) => {
      setTimeout(() => {
        if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      }, 200).unref();
    };
    const code = await new Promise<number | null>((resolve) => {
      child.on('error', (e) => {
        err.write(`pmm-auth-conformance: cannot start vitest: ${e.message}\n`);
        resolve(2);
      });
      child.on('close', (c) => resolve(c));
    });
    if (interrupted) return interrupted === 'SIGINT' ? 130 : 143;
    const outcome = suiteOutcome(code, freshCounts(jsonReportOf(args), started - 1000));
    if (outcome.line) err.write(`pmm-auth-conformance: ${outcome.line}\n`);
    return outcome.code;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
