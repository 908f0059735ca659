/**
 * Target detection that can fail: before any case runs, the suite asks its target what it is —
 * the mock's control API (GET /__mock/clock), Grafana's health (GET /graph/api/health, no
 * credentials), PMM's version (GET /v1/version, then /v1/server/version, as the admin) — and
 * refuses, with one line naming what it saw, a target that cannot be tested: unreachable, a
 * certificate the settings do not accept, not PMM, or admin credentials refused. The suite's entry
 * point (suite-cli.ts) and globalSetup both use it.
 */
import { adminAuth, type Endpoint, type HttpResult, type RequestSpec, send } from './http.ts';
import { networkProblem } from './network-problem.ts';
import type { ProfileName } from './profile.ts';
import { pollSecondsFor, type Target, TargetConfigError } from './target.ts';

/** What a probe needs: the endpoint and the admin (sent only to a target whose health looks like Grafana's). */
export type Probe = Endpoint & Pick<Target, 'admin'>;

export type Detected = Pick<Target, 'kind' | 'profile' | 'version' | 'grafanaVersion' | 'pollSeconds'>;

/** A short, one-line excerpt of a body: whitespace collapsed, at most `max` characters. */
export function excerpt(text: string, max = 80): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (flat === '') return '(empty body)';
  return flat.length > max ? `${flat.slice(0, max)}…` : flat;
}

/** `GET /path → 200 {"ok":true}` (with the Location of a redirect). */
function saw(path: string, res: HttpResult): string {
  const location = res.status >= 300 && res.status < 400 ? ` Location: ${res.headers.location ?? '(none)'}` : '';
  return `GET ${path} → ${res.status}${location} ${excerpt(res.text)}`;
}

/** One request of the detection; a failure to get any answer becomes a TargetConfigError. */
async function ask(t: Endpoint, spec: RequestSpec, caFile: string | undefined): Promise<HttpResult> {
  try {
    return await send(t, spec);
  } catch (e) {
    throw new TargetConfigError(`cannot test ${t.baseUrl}: ${networkProblem(t, spec.path, e as Error, caFile)}`);
  }
}

/** The body as a JSON object, or undefined. */
function object(res: HttpResult): Record<string, unknown> | undefined {
  try {
    const v: unknown = JSON.parse(res.text);
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

const notPmm = (t: Endpoint, what: string): TargetConfigError =>
  new TargetConfigError(
    `cannot test ${t.baseUrl}: it does not answer like PMM: ${what}; check that PMM_SERVER_URL names a PMM 2.41 or 3.x server (https://admin:PASSWORD@host:port)`,
  );

/** The target has the mock's control API: GET /__mock/clock answers {now, unix}. */
async function hasControlApi(t: Endpoint, caFile: string | undefined): Promise<boolean> {
  const res = await ask(t, { path: '/__mock/clock' }, caFile);
  return res.status === 200 && typeof object(res)?.unix === 'number';
}

/**
 * grafana-auth §6.3: GET /graph/api/health needs no credentials and answers a JSON object with
 * `database` (200, or 503 when the database check fails) and Grafana's `version` unless hidden.
 * Anything else is not the Grafana of a PMM (pmm-auth §1.1: Grafana is served under /graph).
 */
async function grafanaVersionOf(t: Endpoint, caFile: string | undefined): Promise<string | null> {
  const path = '/graph/api/health';
  const res = await ask(t, { path }, caFile);
  const body = object(res);
  if ((res.status !== 200 && res.status !== 503) || typeof body?.database !== 'string')
    throw notPmm(t, `${saw(path, res)} (PMM's Grafana answers {"database":"ok",…}, grafana-auth §6.3)`);
  return typeof body.version === 'string' ? body.version : null;
}

/**
 * pmm-auth §3.1: PMM 2.41 answers GET /v1/version with `version` 2.x; PMM 3 answers
 * /v1/server/version (and /v1/version, rewritten) with 3.x. A 401 means the admin credentials were
 * refused (pmm-auth §1.4): the detection stops there, so that Grafana does not lock the user.
 */
async function profileOf(t: Probe, caFile: string | undefined): Promise<{ profile: ProfileName; version: string }> {
  const seen: string[] = [];
  for (const path of ['/v1/version', '/v1/server/version']) {
    const res = await ask(t, { path, headers: adminAuth(t) }, caFile);
    if (res.status === 401)
      throw new TargetConfigError(
        `cannot test ${t.baseUrl}: the admin credentials of PMM_SERVER_URL were refused (${saw(path, res)}); not retrying, so that Grafana does not lock the user: check the user and password (a Grafana server admin, e.g. admin)`,
      );
    const version = object(res)?.version;
    if (res.status === 200 && typeof version === 'string') {
      if (version.startsWith('2.')) return { profile: 'pmm2', version };
      if (version.startsWith('3.')) return { profile: 'pmm3', version };
    }
    seen.push(saw(path, res));
  }
  throw notPmm(t, `${seen.join(', ')} (PMM answers {"version":"2.…"} or {"version":"3.…"}, pmm-auth §3.1)`);
}

/**
 * Detects what the target is, or throws a TargetConfigError with one line saying what it saw and
 * what to set. `env` gives PMM_SUITE_AS_REAL, PMM_SUITE_MOCK_POLL_SECONDS and, for the hints,
 * PMM_SERVER_CA_FILE (pass {} for an embedded mock, whose settings are the suite's own).
 */
export async function detectTarget(t: Probe, env: NodeJS.ProcessEnv): Promise<Detected> {
  const caFile = env.PMM_SERVER_CA_FILE || undefined;
  // PMM_SUITE_AS_REAL=1 treats a mock as a real PMM (no control API): to see what a real run skips.
  const control = env.PMM_SUITE_AS_REAL === '1' ? false : await hasControlApi(t, caFile);
  const kind = control ? 'mock' : 'real';
  const grafanaVersion = await grafanaVersionOf(t, caFile);
  const { profile, version } = await profileOf(t, caFile);
  return { kind, profile, version, grafanaVersion, pollSeconds: pollSecondsFor(kind, env) };
}

/** The line the suite prints for a target it refuses (the entry point and globalSetup alike). */
export const refusalLine = (e: TargetConfigError): string => `pmm-auth-conformance: ${e.message}\n`;

/**
 * For globalSetup: prints a TargetConfigError's line on stderr at once, before vitest reports the
 * error it throws, and returns a short error that points at that line (so vitest does not repeat
 * it under a stack trace). Other errors are returned as they are.
 */
export function refusal(e: unknown): unknown {
  if (!(e instanceof TargetConfigError)) return e;
  process.stderr.write(refusalLine(e));
  const short = new Error(
    'the server suite cannot test its target: see the "pmm-auth-conformance:" line above (npm run test:server exits 2 there, before vitest starts)',
  );
  short.stack = short.message;
  return short;
}
