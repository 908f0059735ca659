/**
 * `pmm-auth-check clients [--client NAME=EXECUTABLE …] [--only a,b] [--cases GLOB] [--profile P] [--report-dir DIR]`:
 * runs client adapters (fixtures/clients/PROTOCOL.md) against a PMM 2 and a PMM 3 mock, each
 * serving every certificate personality, and writes the matrix (a column per client and
 * profile). Exit 1 on any verdict that differs from expectation, 2 on bad usage.
 */
import { parseArgs } from 'node:util';
import { BUILTIN_CLIENTS, builtinClient, type ClientSpec } from './clients/builtins.ts';
import { CLIENT_CASES } from './clients/cases.ts';
import { parseProfiles, PROFILE_NAMES } from './clients/profiles.ts';
import { writeReports } from './clients/report.ts';
import { runClients } from './clients/runner.ts';

const USAGE = `Usage: pmm-auth-check clients [options]

  --client NAME=EXECUTABLE  test your own client (repeatable); without it, every built-in found
  --only NAME[,NAME…]       only these built-ins (${BUILTIN_CLIENTS.join(', ')})
  --cases GLOB              only cases whose id matches, e.g. "client.tls.*"
  --profile PROFILE         pmm2 (legacy API keys; Bearer and api_key:), pmm3 (glsa_ service-account
                            tokens; Bearer and service_token:) or all (default: all, one column each)
  --expectations DIR        read <client>.expect.json from DIR (default fixtures/clients; custom
                            clients have none unless this is given)
  --report-dir DIR          where report.json, report.md, report.html, junit.xml go (default reports/clients)
  -h, --help
`;

const fail = (message: string): never => {
  process.stderr.write(`pmm-auth-check: ${message}\n`);
  process.exit(2);
};

function globToRegExp(glob: string): RegExp {
  return new RegExp(`^${glob.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
}

const [command, ...rest] = process.argv.slice(2);
if (command === '-h' || command === '--help' || command === undefined) {
  process.stdout.write(USAGE);
  process.exit(command === undefined ? 2 : 0);
}
if (command !== 'clients') fail(`unknown command "${command}" (see --help)`);

let values;
try {
  ({ values } = parseArgs({
    args: rest,
    strict: true,
    options: {
      client: { type: 'string', multiple: true, default: [] },
      only: { type: 'string' },
      cases: { type: 'string' },
      profile: { type: 'string', default: 'all' },
      'report-dir': { type: 'string', default: 'reports/clients' },
      expectations: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  }));
} catch (e) {
  fail(`${(e as Error).message.split('\n')[0]} (see --help)`);
}
if (values!.help) {
  process.stdout.write(USAGE);
  process.exit(0);
}
const v = values!;

const custom: ClientSpec[] = v.client.map((spec) => {
  const eq = spec.indexOf('=');
  if (eq <= 0 || eq === spec.length - 1) fail(`--client "${spec}": expected NAME=EXECUTABLE`);
  return { name: spec.slice(0, eq), executable: spec.slice(eq + 1), builtin: false };
});
let builtins: string[] = custom.length > 0 && v.only === undefined ? [] : [...BUILTIN_CLIENTS];
if (v.only !== undefined) {
  builtins = v.only.split(',').map((s) => s.trim());
  const unknown = builtins.filter((b) => !(BUILTIN_CLIENTS as readonly string[]).includes(b));
  if (unknown.length) fail(`--only: unknown client(s) ${unknown.join(', ')}; built-ins: ${BUILTIN_CLIENTS.join(', ')}`);
}
const cases = v.cases === undefined ? CLIENT_CASES : CLIENT_CASES.filter((c) => globToRegExp(v.cases!).test(c.id));
if (cases.length === 0) fail(`--cases "${v.cases}" matches no case`);

const profiles = parseProfiles(v.profile);
if (!profiles) fail(`--profile "${v.profile}": expected ${PROFILE_NAMES.join(', ')} or all`);

const clients = [...builtins.map(builtinClient), ...custom];
let result;
try {
  result = await runClients(clients, { cases, profiles: profiles!, log: (line) => process.stderr.write(`pmm-auth-check: ${line}\n`), expectationsDir: v.expectations });
} catch (e) {
  fail((e as Error).message);
}
const files = writeReports(v['report-dir'], result!);
process.stdout.write(`pmm-auth-check: ${Object.keys(result!.clients).length} client(s) × ${profiles!.length} profile(s) (${profiles!.map((p) => p.name).join(', ')}) × ${cases.length} case(s); reports: ${files.join(', ')}\n`);
for (const u of result!.unexpected) process.stdout.write(`UNEXPECTED ${u}\n`);
process.stdout.write(`pmm-auth-check: ${result!.unexpected.length === 0 ? 'every verdict as expected' : `${result!.unexpected.length} unexpected verdict(s)`}\n`);
process.exit(result!.unexpected.length === 0 ? 0 : 1);
