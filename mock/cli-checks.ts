/**
 * Checks of the `pmm-auth-mock` command line beside the options' own (mock/cli-options.ts): the
 * timeout flags and the scenario flags. Each bad value is a UsageError: one clear line, exit 2.
 */
import { grafanaVersionsOf, pmmVersionsOf, PROFILES, withGrafanaVersion, withPmmVersion } from './profiles/index.ts';
import type { Profile } from './profiles/types.ts';
import { loadScenarioFile, scenarioById } from './scenarios/load.ts';
import type { Scenario } from './scenarios/types.ts';
import { ScenarioError } from './scenarios/validate.ts';
import { DEFAULT_TIMEOUTS, type MockTimeouts } from './options.ts';

export class UsageError extends Error {}

/** The timeout flags and the MockTimeouts field each sets (README: "Stalled and idle connections"). */
const TIMEOUT_FLAGS = {
  'handshake-timeout': 'handshakeMs',
  'header-timeout': 'headerMs',
  'keepalive-timeout': 'keepAliveMs',
  'request-timeout': 'requestMs',
} as const satisfies Record<string, keyof MockTimeouts>;

/** Longest timeout accepted: one day (Node's timers hold at most 2^31-1 ms). */
const MAX_TIMEOUT_SECONDS = 86_400;

/**
 * Seconds, with up to 3 decimals, from 0.001 to a day → milliseconds. 0 is refused: Node reads 0
 * as "no timeout", nginx's `keepalive_timeout 0` as "no keep-alive" — neither is what one means.
 */
export function parseTimeout(flag: string, value: string): number {
  const ms = /^\d+(\.\d{1,3})?$/.test(value) ? Math.round(Number(value) * 1000) : NaN;
  if (!(ms >= 1 && ms <= MAX_TIMEOUT_SECONDS * 1000))
    throw new UsageError(
      `${flag} must be a number of seconds from 0.001 to ${MAX_TIMEOUT_SECONDS} (up to 3 decimals), got "${value}"`,
    );
  return ms;
}

export function parseTimeouts(values: Partial<Record<keyof typeof TIMEOUT_FLAGS, string>>): Partial<MockTimeouts> {
  const out: { -readonly [K in keyof MockTimeouts]?: number } = {};
  for (const [flag, field] of Object.entries(TIMEOUT_FLAGS) as [keyof typeof TIMEOUT_FLAGS, keyof MockTimeouts][]) {
    const v = values[flag];
    if (v !== undefined) out[field] = parseTimeout(`--${flag}`, v);
  }
  // Node refuses a server whose headersTimeout exceeds its requestTimeout.
  const header = out.headerMs ?? DEFAULT_TIMEOUTS.headerMs;
  const request = out.requestMs ?? DEFAULT_TIMEOUTS.requestMs;
  if (header > request)
    throw new UsageError(
      `--request-timeout (${request / 1000} s) must not be less than --header-timeout (${header / 1000} s)`,
    );
  return out;
}

/** `--scenario ID` or `--scenario-file PATH` (not both): the checked scenario, or its one-line error. */
export function scenarioOf(id: string | undefined, file: string | undefined): Scenario | undefined {
  if (id !== undefined && file !== undefined) throw new UsageError('--scenario and --scenario-file cannot be combined');
  try {
    if (id !== undefined) return scenarioById(id);
    if (file !== undefined) return loadScenarioFile(file);
  } catch (e) {
    if (e instanceof ScenarioError) throw new UsageError(e.message);
    throw e;
  }
  return undefined;
}

/**
 * The product the flags name: --profile (or the scenario's), then --grafana-version and --pmm-version,
 * each one of the profile's variants.
 */
export function productOf(
  values: { profile: string; 'grafana-version'?: string | undefined; 'pmm-version'?: string | undefined },
  scenario: Scenario | undefined,
  argv: readonly string[],
): Profile {
  // A scenario names its product: --profile and --grafana-version may only repeat it.
  if (scenario) checkScenarioProduct(scenario, argv);
  const named = scenario ? PROFILES[scenario.product.profile] : PROFILES[values.profile];
  if (!named)
    throw new UsageError(`--profile must be one of ${Object.keys(PROFILES).join(', ')}, got "${values.profile}"`);
  const version = scenario ? scenario.product.grafanaVersion : values['grafana-version'];
  const withGrafana = version === undefined ? named : withGrafanaVersion(named, version);
  if (!withGrafana)
    throw new UsageError(
      `--grafana-version for --profile ${named.name} must be one of ${grafanaVersionsOf(named).join(', ')}, got "${version}"`,
    );
  const pmmVersion = values['pmm-version'];
  const profile = pmmVersion === undefined ? withGrafana : withPmmVersion(withGrafana, pmmVersion);
  if (!profile)
    throw new UsageError(
      `--pmm-version for --profile ${named.name} must be one of ${pmmVersionsOf(named).join(', ')}, got "${pmmVersion}"`,
    );
  return profile;
}

/** --profile / --grafana-version given beside a scenario must be the scenario's. */
function checkScenarioProduct(s: Scenario, argv: readonly string[]): void {
  const given = (flag: string): string | undefined => {
    const i = argv.findIndex((a) => a === flag || a.startsWith(`${flag}=`));
    if (i < 0) return undefined;
    return argv[i]!.includes('=') ? argv[i]!.slice(flag.length + 1) : argv[i + 1];
  };
  const profile = given('--profile');
  if (profile !== undefined && profile !== s.product.profile)
    throw new UsageError(
      `--profile ${profile}: scenario "${s.id}" runs on profile ${s.product.profile}; leave --profile out`,
    );
  const version = given('--grafana-version');
  if (version !== undefined && version !== s.product.grafanaVersion)
    throw new UsageError(
      `--grafana-version ${version}: scenario "${s.id}" names its own Grafana version; leave it out`,
    );
}
