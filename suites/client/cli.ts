/**
 * `pmm-auth-check clients …` (scripts/pmm-auth-check.ts is its entry point): parses the command
 * line, runs the client harness and writes the reports. Exit 1 on any verdict that differs from
 * expectation, 2 on bad usage or a harness error.
 */
import { parseArgs } from 'node:util';
import { BUILTIN_CLIENTS, builtinClients, type ClientSpec } from './builtins.ts';
import { CLIENT_CASES } from './cases.ts';
import { DEFAULT_MOCK_CA, killStartedMocks } from './harness-mock.ts';
import { parseProfiles, PROFILE_NAMES } from './profiles.ts';
import { writeReports } from './report.ts';
import { DEFAULT_JOBS, runClients } from './runner.ts';

export const USAGE = `Usage: pmm-auth-check clients [options]

  --client NAME=EXECUTABLE  test your own client (repeatable); without it, every built-in found
  --only NAME[,NAME…]       only these built-ins (${BUILTIN_CLIENTS.join(', ')})
  --cases GLOB              only cases whose id matches, e.g. "client.tls.*"
  --profile PROFILE         pmm2 (legacy API keys; Bearer and api_key:), pmm3 (glsa_ service-account
                            tokens; Bearer and service_token:) or all (default: all, one column each;
                            with --mock-url: the profiles of the given mocks)
  --expectations DIR        read <client>.expect.json from DIR (default fixtures/clients; custom
                            clients have none unless this is given)
  --report-dir DIR          where report.json, report.md, report.html, junit.xml go (default reports/clients)
  --jobs N                  clients run side by side, each on its own mocks (default: the number of
                            cores, at most 4; here ${DEFAULT_JOBS})
  --mock-url URL            run against a mock started separately (pmm-auth-mock --tls all) instead of
                            starting mocks; repeatable: one per profile, or several per profile for
                            parallel lanes
  --mock-ca FILE            the CA that verifies those mocks (default: the test root CA,
                            fixtures/tls/generated/personalities/root-ca.crt)
  --mock-admin-password PW  the password of their admin (default admin)
  -h, --help
`;

class Usage extends Error {}

function globToRegExp(glob: string): RegExp {
  return new RegExp(
    `^${glob
      .split('*')
      .map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
  );
}

function parse(argv: readonly string[]) {
  const [command, ...rest] = argv;
  if (command === '-h' || command === '--help') return { help: true as const };
  if (command === undefined) return { help: true as const, missing: true };
  if (command !== 'clients') throw new Usage(`unknown command "${command}" (see --help)`);
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
        'mock-url': { type: 'string', multiple: true, default: [] },
        'mock-ca': { type: 'string' },
        'mock-admin-password': { type: 'string', default: 'admin' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }));
  } catch (e) {
    throw new Usage(`${(e as Error).message.split('\n')[0]} (see --help)`);
  }
  if (values.help) return { help: true as const };
  const custom: ClientSpec[] = values.client.map((spec) => {
    const eq = spec.indexOf('=');
    if (eq <= 0 || eq === spec.length - 1) throw new Usage(`--client "${spec}": expected NAME=EXECUTABLE`);
    return { name: spec.slice(0, eq), executable: spec.slice(eq + 1), builtin: false };
  });
  let builtins: string[] = custom.length > 0 && values.only === undefined ? [] : [...BUILTIN_CLIENTS];
  if (values.only !== undefined) {
    builtins = values.only.split(',').map((s) => s.trim());
    const unknown = builtins.filter((b) => !(BUILTIN_CLIENTS as readonly string[]).includes(b));
    if (unknown.length)
      throw new Usage(`--only: unknown client(s) ${unknown.join(', ')}; built-ins: ${BUILTIN_CLIENTS.join(', ')}`);
  }
  const glob = values.cases;
  const cases = glob === undefined ? CLIENT_CASES : CLIENT_CASES.filter((c) => globToRegExp(glob).test(c.id));
  if (cases.length === 0) throw new Usage(`--cases "${glob}" matches no case`);
  const mockUrls = values['mock-url'];
  // Without --profile, --mock-url runs the given mocks' profiles.
  const profile = values.profile ?? (mockUrls.length > 0 ? undefined : 'all');
  const profiles = profile === undefined ? undefined : parseProfiles(profile);
  if (profile !== undefined && !profiles)
    throw new Usage(`--profile "${profile}": expected ${PROFILE_NAMES.join(', ')} or all`);
  const jobs = values.jobs === undefined ? undefined : Number(values.jobs);
  if (jobs !== undefined && !(Number.isInteger(jobs) && jobs >= 1 && jobs <= 32))
    throw new Usage(`--jobs must be an integer from 1 to 32, got "${values.jobs}"`);
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
    custom,
    cases,
    profiles,
    jobs,
    mocks,
    reportDir: values['report-dir'],
    expectationsDir: values.expectations,
  };
}

/** Runs the command; resolves to the exit code. */
export async function main(
  argv: readonly string[],
  out: NodeJS.WritableStream = process.stdout,
  err: NodeJS.WritableStream = process.stderr,
): Promise<number> {
  let o;
  try {
    o = parse(argv);
  } catch (e) {
    if (!(e instanceof Usage)) throw e;
    err.write(`pmm-auth-check: ${e.message}\n`);
    return 2;
  }
  if (o.help) {
    out.write(USAGE);
    return 'missing' in o ? 2 : 0;
  }
  const stopOn = (signal: NodeJS.Signals): void => {
    process.once(signal, () => {
      killStartedMocks();
      process.exit(128 + (signal === 'SIGINT' ? 2 : 15));
    });
  };
  stopOn('SIGINT');
  stopOn('SIGTERM');
  process.once('exit', killStartedMocks);
  const built = await builtinClients(o.builtins);
  let result;
  try {
    result = await runClients([...built.clients, ...o.custom], {
      cases: o.cases,
      ...(o.profiles ? { profiles: o.profiles } : {}),
      ...(o.jobs ? { jobs: o.jobs } : {}),
      mocks: o.mocks,
      log: (line) => err.write(`pmm-auth-check: ${line}\n`),
      expectationsDir: o.expectationsDir,
    });
  } catch (e) {
    err.write(`pmm-auth-check: ${(e as Error).message}\n`);
    return 2;
  } finally {
    built.cleanup();
  }
  const files = writeReports(o.reportDir, result);
  const names = result.profiles.map((p) => p.name);
  out.write(
    `pmm-auth-check: ${Object.keys(result.clients).length} client(s) × ${names.length} profile(s) (${names.join(', ')}) × ${o.cases.length} case(s); reports: ${files.join(', ')}\n`,
  );
  for (const u of result.unexpected) out.write(`UNEXPECTED ${u}\n`);
  out.write(
    `pmm-auth-check: ${result.unexpected.length === 0 ? 'every verdict as expected' : `${result.unexpected.length} unexpected verdict(s)`}\n`,
  );
  return result.unexpected.length === 0 ? 0 : 1;
}
