/**
 * `pmm-auth-check clients …` (scripts/pmm-auth-check.ts is its entry point): parses the command
 * line, checks up front what the run needs (suites/client/preflight.ts), runs the client harness
 * and writes the reports. Exit 0 when everything asked for ran as expected, 1 on any verdict that
 * differs from expectation, 2 on bad usage or configuration or when something asked for cannot be
 * tested, 130 / 143 on SIGINT / SIGTERM after a partial report (see USAGE).
 */
import { parseArgs } from 'node:util';
import pkg from '../../package.json' with { type: 'json' };
import { CASE_TIMEOUT_MS, killRunningClients } from './adapter.ts';
import { BUILTIN_CLIENTS, builtinClients } from './builtins.ts';
import { CLIENT_CASES } from './cases.ts';
import { chooseClients, jobsOf, parsedOr2, SIGNAL_CODES, timeoutOf, trapSignals, Usage } from './cli-clients.ts';
import { DEFAULT_MOCK_CA } from './harness-connect.ts';
import { stopStartedMocks } from './harness-start.ts';
import { DEFAULT_JOBS } from './lanes.ts';
import { ConfigError, checkExpectationsDir, prepareReportDir, resolveRunClients, type ReportDir } from './preflight.ts';
import { parseProfiles, PROFILE_NAMES } from './profiles.ts';
import { writeReports } from './report.ts';
import { globToRegExp } from './scenario-files.ts';
import { scenariosCommand } from './scenarios-cli.ts';
import type { RunResult } from './run-result.ts';
import { loadAllExpectations, startRun, type Run } from './runner.ts';

/** The package's version (package.json), as `--version` prints it. */
export const VERSION: string = pkg.version;

export const USAGE = `Usage: pmm-auth-check clients [options]
       pmm-auth-check scenarios [options]   (bug-reproduction scenarios; see scenarios --help)
       pmm-auth-check --version

  --client NAME=EXECUTABLE  test your own client (repeatable); without it, every built-in found
  --only NAME[,NAME…]       only these clients: built-ins (${BUILTIN_CLIENTS.join(', ')}) beside the
                            --client clients, or names given with --client (then only those of them)
  --cases GLOB              only cases whose id matches, e.g. "client.tls.*"
  --profile PROFILE         pmm2 (legacy API keys; Bearer and api_key:), pmm3 (glsa_ service-account
                            tokens; Bearer and service_token:) or all (default: all, one column each;
                            with --mock-url: the profiles of the given mocks)
  --expectations DIR        read <client>.expect.json from DIR (default fixtures/clients; custom
                            clients have none unless this is given)
  --report-dir DIR          where report.json, report.md, report.html, junit.xml go (default reports/clients)
  --jobs N                  clients run side by side, each on its own mocks (default: the number of
                            cores, at most 4; here ${DEFAULT_JOBS})
  --timeout SECONDS         how long a client may take for --version and for each case before it is
                            stopped (with its process group) and judged FAIL (default ${CASE_TIMEOUT_MS / 1000})
  --mock-url URL            run against a mock started separately (pmm-auth-mock --tls all) instead of
                            starting mocks; repeatable: one per profile, or several per profile for
                            parallel lanes
  --mock-ca FILE            the CA that verifies those mocks (default: the test root CA,
                            fixtures/tls/generated/personalities/root-ca.crt)
  --mock-admin-password PW  the password of their admin (default admin)
  --version                 print pmm-auth-check's version
  -h, --help

Progress goes to stderr: the plan (clients × profiles × cases), then a line per client and
profile as it finishes; the summary goes to stdout. No colour is printed.

Exit status:
  0    everything asked for ran, and every verdict is as expected
  1    a verdict differs from expectation (or an expected non-PASS verdict did not happen)
  2    bad usage or configuration, or something asked for could not be tested: a --client that
       does not exist, is not executable or does not answer --version; a built-in named with
       --only that is missing here; no case or no client selected; a --report-dir that cannot be
       written; a missing --expectations directory; a mock that does not start or does not treat
       the harness's keys as the cases assume. Nothing is tested and no report is written.
  130  interrupted by SIGINT (Ctrl-C; 143: SIGTERM), after a partial report ("partial": true)
`;

function parse(argv: readonly string[]) {
  const [command, ...rest] = argv;
  if (command === '-h' || command === '--help') return { help: true as const };
  if (command === '--version') return { version: true as const };
  if (command === undefined) return { help: true as const, missing: true };
  if (command !== 'clients')
    throw new Usage(`unknown command "${command}": expected clients or scenarios (see --help)`);
  let values;
  try {
    ({ values } = parseArgs({
      args: rest,
      strict: true,
      options: {
        client: { type: 'string', multiple: true, default: [] },
        only: { type: 'string' },
        cases: { type: 'string' },
        profile: { type: 'string' },
        'report-dir': { type: 'string', default: 'reports/clients' },
        expectations: { type: 'string' },
        jobs: { type: 'string' },
        timeout: { type: 'string' },
        'mock-url': { type: 'string', multiple: true, default: [] },
        'mock-ca': { type: 'string' },
        'mock-admin-password': { type: 'string', default: 'admin' },
        version: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }));
  } catch (e) {
    throw new Usage(`${(e as Error).message.split('\n')[0]} (see --help)`);
  }
  if (values.help) return { help: true as const };
  if (values.version) return { version: true as const };
  const { builtins, custom: chosen, named } = chooseClients(values.client, values.only);
  const glob = values.cases;
  const cases = glob === undefined ? CLIENT_CASES : CLIENT_CASES.filter((c) => globToRegExp(glob).test(c.id));
  if (cases.length === 0) throw new Usage(`--cases "${glob}" matches no case`);
  const mockUrls = values['mock-url'];
  // Without --profile, --mock-url runs the given mocks' profiles.
  const profile = values.profile ?? (mockUrls.length > 0 ? undefined : 'all');
  const profiles = profile === undefined ? undefined : parseProfiles(profile);
  if (profile !== undefined && !profiles)
    throw new Usage(`--profile "${profile}": expected ${PROFILE_NAMES.join(', ')} or all`);
  const jobs = jobsOf(values.jobs);
  const timeoutMs = timeoutOf(values.timeout, CASE_TIMEOUT_MS);
  for (const url of mockUrls) {
    if (!/^https?:\/\/[^/]+\/?$/.test(url))
      throw new Usage(`--mock-url "${url}": expected the mock's main URL, e.g. https://127.0.0.1:8443`);
  }
  if (mockUrls.length === 0 && (values['mock-ca'] !== undefined || values['mock-admin-password'] !== 'admin'))
    throw new Usage('--mock-ca and --mock-admin-password apply to --mock-url');
  const mocks = mockUrls.map((url) => ({
    url,
    caFile: values['mock-ca'] ?? DEFAULT_MOCK_CA,
    adminPassword: values['mock-admin-password'],
  }));
  return {
    help: false as const,
    builtins,
    custom: chosen,
    named,
    cases,
    profiles,
    jobs,
    timeoutMs,
    mocks,
    reportDir: values['report-dir'],
    expectationsDir: values.expectations,
  };
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/** The verdicts a result holds. */
const verdictCount = (r: RunResult): number =>
  Object.values(r.clients).reduce(
    (n, c) => n + Object.values(c.profiles).reduce((m, p) => m + Object.keys(p?.cases ?? {}).length, 0),
    0,
  );

/** Runs the command; resolves to the exit code. An error of the harness itself is exit 2 too: nothing was tested. */
export async function main(
  argv: readonly string[],
  out: NodeJS.WritableStream = process.stdout,
  err: NodeJS.WritableStream = process.stderr,
): Promise<number> {
  try {
    if (argv[0] === 'scenarios') return await scenariosCommand(argv.slice(1), out, err);
    return await command(argv, out, err);
  } catch (e) {
    err.write(`pmm-auth-check: harness error: ${(e as Error).stack ?? String(e)}\n`);
    return 2;
  }
}

async function command(
  argv: readonly string[],
  out: NodeJS.WritableStream,
  err: NodeJS.WritableStream,
): Promise<number> {
  const o = parsedOr2(parse, argv, err);
  if (o === 2) return 2;
  if ('version' in o) {
    out.write(`pmm-auth-check ${VERSION}\n`);
    return 0;
  }
  if (o.help) {
    out.write(USAGE);
    return 'missing' in o ? 2 : 0;
  }
  const opts = o;
  /** Once a signal arrived: nothing more is printed or written but the partial report. */
  let stopping = false;
  const say = (line: string): void => {
    if (!stopping) err.write(`pmm-auth-check: ${line}\n`);
  };
  /** Exit 2: the lines that say why; the directories the report check created are removed (no report). */
  let release = (): void => undefined;
  const refuse = (lines: readonly string[]): number => {
    for (const line of lines) say(line);
    release();
    return 2;
  };

  // Up front, before any client runs: where the reports go, and the expectation files.
  const problems: string[] = [];
  let reportDir: ReportDir | undefined;
  try {
    reportDir = prepareReportDir(opts.reportDir);
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    problems.push(e.message);
  }
  let expectations;
  try {
    if (opts.expectationsDir !== undefined) checkExpectationsDir(opts.expectationsDir);
    const specs = [...opts.builtins.map((name) => ({ name, builtin: true, executable: null })), ...opts.custom];
    expectations = loadAllExpectations(specs, opts.expectationsDir);
  } catch (e) {
    problems.push((e as Error).message);
  }
  if (reportDir) release = reportDir.release;
  if (problems.length > 0 || !expectations) return refuse(problems);

  const built = builtinClients(opts.builtins);
  let run: Run | undefined;
  const interrupt = async (signal: NodeJS.Signals): Promise<void> => {
    if (stopping) return;
    // What has finished, before the clients are killed (a killed case is no verdict).
    const partial = (
      run ?? startRun([], { cases: opts.cases, ...(opts.profiles ? { profiles: opts.profiles } : {}) })
    ).snapshot(signal);
    stopping = true;
    killRunningClients();
    // The report first: a second Ctrl-C during the clean-up below still leaves it.
    try {
      const files = writeReports(opts.reportDir, partial);
      err.write(
        `pmm-auth-check: ${signal}: stopped after ${plural(verdictCount(partial), 'verdict')}; partial report: ${files.join(', ')}\n`,
      );
    } catch (e) {
      err.write(`pmm-auth-check: ${signal}: stopped; cannot write the partial report: ${(e as Error).message}\n`);
    }
    await Promise.all([stopStartedMocks(), built.cleanup()]);
    process.exit(SIGNAL_CODES[signal] ?? 2);
  };
  const untrap = trapSignals(interrupt, () => {
    killRunningClients();
    void stopStartedMocks();
    built.cleanupSync();
  });

  let result: RunResult;
  try {
    const { resolved, problems } = await resolveRunClients(
      [...(await built.clients), ...opts.custom],
      opts.named,
      opts.timeoutMs,
    );
    if (problems.length > 0) return refuse(problems);
    run = startRun(resolved.clients, {
      cases: opts.cases,
      ...(opts.profiles ? { profiles: opts.profiles } : {}),
      ...(opts.jobs ? { jobs: opts.jobs } : {}),
      timeoutMs: opts.timeoutMs,
      mocks: opts.mocks,
      log: say,
      expectations,
    });
    result = await run.done;
  } catch (e) {
    return refuse([(e as Error).message]);
  } finally {
    if (!stopping) await built.cleanup();
  }
  // Interrupted meanwhile: the signal handler writes the partial report and exits.
  if (stopping) return new Promise<number>(() => undefined);
  let files: string[];
  try {
    files = writeReports(opts.reportDir, result);
  } catch (e) {
    return refuse([`cannot write the reports in ${opts.reportDir}: ${(e as Error).message}`]);
  }
  untrap('signals');
  const names = result.profiles.map((p) => p.name);
  const ran = Object.values(result.clients).filter((c) => !c.missing).length;
  out.write(
    `pmm-auth-check: ${plural(ran, 'client')} × ${plural(names.length, 'profile')} (${names.join(', ')}) × ${plural(opts.cases.length, 'case')}; reports: ${files.join(', ')}\n`,
  );
  const grouped = new Set(result.causes.flatMap((g) => g.cases.map((c) => `${g.client} ${c}`)));
  for (const g of result.causes)
    out.write(
      `UNEXPECTED ${g.client}: ${g.cases.length} verdicts with one cause — ${g.cause}: ${g.cases.join(', ')}\n`,
    );
  for (const u of result.unexpected)
    if (![...grouped].some((k) => u.startsWith(`${k}:`))) out.write(`UNEXPECTED ${u}\n`);
  const missing = Object.entries(result.clients).filter(([, c]) => c.missing);
  out.write(
    `pmm-auth-check: ${result.unexpected.length === 0 ? 'every verdict as expected' : `${result.unexpected.length} unexpected verdict(s)`}${missing.length ? `; not run, missing here: ${missing.map(([n]) => n).join(', ')}` : ''}\n`,
  );
  return result.unexpected.length === 0 ? 0 : 1;
}
