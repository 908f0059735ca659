/**
 * The `pmm-auth-mock` command line: parsed and checked up front, so that a bad flag is one
 * clear line (exit 2) and never a crash later.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { DEVIATIONS, isDeviation, type Deviation } from './deviations.ts';
import type { OrgRole } from './profiles/types.ts';
import { PROFILES } from './profiles/index.ts';
import { parseTimeouts, productOf, scenarioOf, UsageError } from './cli-checks.ts';
import type { MockOptions, SeedKey } from './options.ts';
import type { NewUser } from './rows.ts';
import { CERT_STYLES, DEFAULT_CERT_DIR, type CertStyle } from './tls/certs.ts';
import { PERSONALITY_NAMES } from './tls/personalities.ts';

export interface CliOptions {
  readonly mock: Omit<MockOptions, 'log' | 'clock' | 'random'>;
  readonly json: boolean;
  readonly help: boolean;
}

export { UsageError };

export const USAGE = `Usage: pmm-auth-mock [options]

An offline mock of PMM's API-key authentication over self-signed TLS:
PMM 2.41 / Grafana 9.2.20 (pmm2) or PMM 3.0 / Grafana 11.1.8 with service accounts (pmm3).

Options:
  --profile NAME            product profile: ${Object.keys(PROFILES).join(', ')} (default pmm2)
  --grafana-version V       pmm3 only: 11.1.8 (default) or 11.3 (POST /graph/api/auth/keys → 410)
  --pmm-version V           pmm3 only: 3.0.0 (default) or 3.3.0 (/swagger needs auth, PMM-14021)
  --host ADDR               address to listen on (default 127.0.0.1)
  --https-port N            HTTPS port; 0 = any free port (default 8443)
  --http-port N             plain HTTP port; 0 = any free port, -1 = off (default 8080)
  --admin-password PW       password of the Grafana server admin "admin" (default admin)
  --user LOGIN:PASSWORD:ROLE  add an org user with role Viewer, Editor or Admin (repeatable)
  --cert FILE --key FILE    serve this certificate and private key (PEM)
  --cert-dir DIR            where generated certificates are kept (default fixtures/tls/generated)
  --cert-style STYLE        mock: self-signed with SANs localhost, 127.0.0.1, ::1 (default);
                            pmm: like PMM's own (self-signed RSA-2048, O=Main Org., no SAN)
  --tls all|NAME[,NAME…]    also serve certificate personalities, each on its own free HTTPS port:
                            ${PERSONALITY_NAMES.join(', ')};
                            the main HTTPS port then serves "valid" and caFile is the test root CA
  --key-max-ttl SECONDS     Grafana's api_key_max_seconds_to_live; -1 = unlimited (default -1)
  --seed-key NAME:ROLE[:SECONDS]  create a (legacy) API key at start and print it once (repeatable)
  --seed-token NAME:ROLE[:SECONDS]  pmm3: create service account NAME with role ROLE and a glsa_
                            token NAME, printed once (repeatable)
  --deviate NAME[,NAME…]    TEST ONLY: answer wrongly on purpose, for the server suite's self-check:
                            ${Object.keys(DEVIATIONS).join(', ')}
  --scenario ID             start in a bug-reproduction scenario of fixtures/scenarios/ (its product,
                            state and faults; see fixtures/scenarios/README.md)
  --scenario-file PATH      start in the scenario of this file (same format)
  --journal-size N          requests kept in the journal (default 1000)
  --handshake-timeout S     seconds to finish a TLS handshake, then close (default 60)
  --header-timeout S        seconds to a complete request header, then close (default 60)
  --keepalive-timeout S     seconds an idle keep-alive connection is kept (default 65)
  --request-timeout S       seconds for a whole request, body included (default 300;
                            not less than --header-timeout); S may have decimals (0.5)
  --json                    print one JSON line on stdout when ready, nothing else
  --version                 print the version (package.json) and exit
  -h, --help                show this help
`;

const ROLES: readonly OrgRole[] = ['Viewer', 'Editor', 'Admin'];

function int(flag: string, value: string, min: number, max: number): number {
  const n = /^-?\d+$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max)
    throw new UsageError(`${flag} must be an integer from ${min} to ${max}, got "${value}"`);
  return n;
}

function role(flag: string, value: string, whole: string): OrgRole {
  const found = ROLES.find((r) => r.toLowerCase() === value.toLowerCase());
  if (!found) throw new UsageError(`${flag} "${whole}": role must be one of ${ROLES.join(', ')}, got "${value}"`);
  return found;
}

/** `LOGIN:PASSWORD:ROLE` — the password may contain ':' (login before the first, role after the last). */
export function parseUser(value: string): NewUser {
  const first = value.indexOf(':');
  const last = value.lastIndexOf(':');
  if (first <= 0 || last === first) throw new UsageError(`--user "${value}": expected LOGIN:PASSWORD:ROLE`);
  const password = value.slice(first + 1, last);
  if (password === '') throw new UsageError(`--user "${value}": the password must not be empty`);
  return { login: value.slice(0, first), password, orgRole: role('--user', value.slice(last + 1), value) };
}

/**
 * `NAME:ROLE[:SECONDS]` — the name may contain ':'; SECONDS 0 or absent = never expires. The last
 * part is the role when it is one; else, after a role, it is SECONDS: each error names the part
 * that is wrong (`demo:Admin:-5` is a bad SECONDS, not a bad role).
 */
export function parseSeedKey(value: string, flag = '--seed-key'): SeedKey {
  const parts = value.split(':');
  const isRole = (p: string | undefined): boolean => ROLES.some((r) => r.toLowerCase() === p?.toLowerCase());
  const withTtl = parts.length >= 3 && !isRole(parts.at(-1)) && isRole(parts.at(-2));
  const secondsToLive = withTtl ? int(`${flag} "${value}": SECONDS`, parts.pop()!, 0, 2 ** 31) : 0;
  if (parts.length < 2) throw new UsageError(`${flag} "${value}": expected NAME:ROLE[:SECONDS]`);
  const r = parts.pop()!;
  const name = parts.join(':');
  if (name === '') throw new UsageError(`${flag} "${value}": NAME is empty; expected NAME:ROLE[:SECONDS]`);
  return { name, role: role(flag, r, value), secondsToLive };
}

/**
 * `--flag VALUE` → `--flag=VALUE` for every option that takes a value: parseArgs refuses a value
 * that starts with '-' (`--http-port -1`, a password `-x…`), where a user expects, as with getopt,
 * the word after the flag to be its value.
 */
function joinValues(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const next = argv[i + 1];
    if (TAKES_VALUE.has(arg) && next !== undefined && next.startsWith('-')) {
      out.push(`${arg}=${next}`);
      i++;
    } else out.push(arg);
  }
  return out;
}

/** `--deviate a,b --deviate c` → the test-only deviations named. */
export function parseDeviations(values: readonly string[]): Deviation[] {
  const names = values
    .flatMap((v) => v.split(','))
    .map((n) => n.trim())
    .filter((n) => n !== '');
  const unknown = names.filter((n) => !isDeviation(n));
  if (unknown.length > 0)
    throw new UsageError(
      `--deviate: unknown deviation(s) ${unknown.join(', ')}; known: ${Object.keys(DEVIATIONS).join(', ')}`,
    );
  return [...new Set(names)] as Deviation[];
}

/** `all` or a comma list of personality names (issue: certificate personalities). */
export function parseTls(value: string): string[] {
  if (value === 'all') return [...PERSONALITY_NAMES];
  const names = value.split(',').map((n) => n.trim());
  const unknown = names.filter((n) => !PERSONALITY_NAMES.includes(n));
  if (names.length === 0 || unknown.length > 0) {
    throw new UsageError(
      `--tls must be "all" or a comma list of ${PERSONALITY_NAMES.join(', ')}; unknown: "${unknown.join(', ')}"`,
    );
  }
  return [...new Set(names)];
}

const OPTIONS = {
  profile: { type: 'string', default: 'pmm2' },
  'grafana-version': { type: 'string' },
  'pmm-version': { type: 'string' },
  host: { type: 'string', default: '127.0.0.1' },
  'https-port': { type: 'string', default: '8443' },
  'http-port': { type: 'string', default: '8080' },
  'admin-password': { type: 'string', default: 'admin' },
  user: { type: 'string', multiple: true, default: [] },
  cert: { type: 'string' },
  key: { type: 'string' },
  'cert-dir': { type: 'string', default: DEFAULT_CERT_DIR },
  'cert-style': { type: 'string' },
  tls: { type: 'string' },
  'key-max-ttl': { type: 'string', default: '-1' },
  'seed-key': { type: 'string', multiple: true, default: [] },
  'seed-token': { type: 'string', multiple: true, default: [] },
  'journal-size': { type: 'string', default: '1000' },
  'handshake-timeout': { type: 'string' },
  'header-timeout': { type: 'string' },
  'keepalive-timeout': { type: 'string' },
  'request-timeout': { type: 'string' },
  scenario: { type: 'string' },
  'scenario-file': { type: 'string' },
  deviate: { type: 'string', multiple: true, default: [] },
  json: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} satisfies ParseArgsConfig['options'];

/** Options that take a value, which may itself start with '-' (`--admin-password -secret-`). */
const TAKES_VALUE: ReadonlySet<string> = new Set(
  Object.entries(OPTIONS)
    .filter(([, o]) => o.type === 'string')
    .map(([name]) => `--${name}`),
);

export function parseCli(argv: readonly string[]): CliOptions {
  let values;
  try {
    ({ values } = parseArgs({
      args: joinValues(argv),
      strict: true,
      allowPositionals: false,
      options: OPTIONS,
    }));
  } catch (e) {
    throw new UsageError((e as Error).message.split('\n')[0]!);
  }
  const scenario = scenarioOf(values.scenario, values['scenario-file']);
  const profile = productOf(values, scenario, argv);
  if (values.host === '') throw new UsageError('--host must not be empty');
  const httpsPort = int('--https-port', values['https-port'], 0, 65535);
  const httpPort = int('--http-port', values['http-port'], -1, 65535);
  if (httpsPort !== 0 && httpsPort === httpPort)
    throw new UsageError(`--https-port and --http-port must differ (both ${httpsPort})`);
  if (values['admin-password'] === '') throw new UsageError('--admin-password must not be empty');
  const keyMaxSecondsToLive = int('--key-max-ttl', values['key-max-ttl'], -1, 2 ** 53 - 1);
  // grafana-auth §1.3: -1 = unlimited; 0 is not a usable limit.
  if (keyMaxSecondsToLive === 0)
    throw new UsageError('--key-max-ttl must be -1 (unlimited) or a positive number of seconds');
  if ((values.cert === undefined) !== (values.key === undefined))
    throw new UsageError('--cert and --key must be given together');
  if (values.cert !== undefined && values['cert-style'] !== undefined)
    throw new UsageError('--cert-style applies to generated certificates; it cannot be combined with --cert/--key');
  // auth-bugs §B14: a scenario may name the certificate it starts with; the certificate flags win.
  const style = (values['cert-style'] ?? scenario?.initial.settings?.certificate ?? 'mock') as CertStyle;
  if (!CERT_STYLES.includes(style))
    throw new UsageError(`--cert-style must be one of ${CERT_STYLES.join(', ')}, got "${style}"`);
  const personalities = values.tls === undefined ? undefined : parseTls(values.tls);
  if (personalities && (values.cert !== undefined || values['cert-style'] !== undefined)) {
    throw new UsageError(
      '--tls serves the "valid" personality on the main HTTPS port; it cannot be combined with --cert or --cert-style',
    );
  }
  const users = values.user.map(parseUser);
  const logins = new Set(['admin']);
  for (const u of users) {
    if (logins.has(u.login))
      throw new UsageError(
        `--user "${u.login}": login already taken${u.login === 'admin' ? ' (use --admin-password for admin)' : ''}`,
      );
    logins.add(u.login);
  }
  const seedKeys = values['seed-key'].map((v) => parseSeedKey(v));
  const seedTokens = values['seed-token'].map((v) => parseSeedKey(v, '--seed-token'));
  if (seedTokens.length > 0 && !profile.serviceAccounts)
    throw new UsageError(`--seed-token needs a profile with service accounts (pmm3); --profile is ${profile.name}`);
  const names = new Set<string>();
  for (const k of [...seedKeys, ...seedTokens]) {
    // grafana-auth §1.3: keys and tokens share one unique (org, name) index.
    if (names.has(k.name))
      throw new UsageError(
        `--seed-key/--seed-token "${k.name}": name given twice (Grafana key and token names are unique)`,
      );
    names.add(k.name);
  }
  return {
    json: values.json,
    help: values.help,
    mock: {
      profile,
      host: values.host,
      httpsPort,
      httpPort,
      adminPassword: values['admin-password'],
      users,
      seedKeys,
      seedTokens,
      keyMaxSecondsToLive,
      tls:
        values.cert !== undefined && values.key !== undefined
          ? { certFile: values.cert, keyFile: values.key }
          : personalities
            ? { certDir: values['cert-dir'], personality: 'valid' }
            : { certDir: values['cert-dir'], style },
      ...(personalities ? { personalities: { certDir: values['cert-dir'], names: personalities } } : {}),
      journalCapacity: int('--journal-size', values['journal-size'], 1, 1_000_000),
      timeouts: parseTimeouts(values),
      deviations: parseDeviations(values.deviate),
      ...(scenario ? { scenario } : {}),
    },
  };
}

/**
 * What `pmm-auth-mock` does before it starts a mock: print and exit (`--version` and `--help`
 * exit 0; a usage error is one line on stderr, exit 2), or go on with the parsed options.
 */
export type CliStart = { exit: number; stdout: string; stderr: string } | { cli: CliOptions };

export function cliStart(argv: readonly string[], version: string): CliStart {
  // `--version`: the package's version, whatever else is on the command line.
  if (argv.includes('--version')) return { exit: 0, stdout: `pmm-auth-mock ${version}\n`, stderr: '' };
  let cli: CliOptions;
  try {
    cli = parseCli(argv);
  } catch (e) {
    if (e instanceof UsageError) return { exit: 2, stdout: '', stderr: `pmm-auth-mock: ${e.message} (see --help)\n` };
    throw e;
  }
  return cli.help ? { exit: 0, stdout: USAGE, stderr: '' } : { cli };
}
