/**
 * The client harness's keys on a mock, made black-box through the product API: minted as admin
 * with the profile's creation recipe, the expired key created with a lifetime and the mock's clock
 * moved past it (`POST /__mock/clock`), and checked against the product's own answer to "whose key
 * is this" before any case relies on them (suites/client/harness-mock.ts makes a mock ready with
 * them).
 */
import { basicAuth, jsonOf, type MockHttp } from './mock-http.ts';
import {
  EXPIRED_ANSWER,
  KEY_START,
  LEGACY_MINT,
  type CreateStep,
  type HarnessProfile,
  type KeyKind,
} from './profiles.ts';

export interface HarnessKeys {
  readonly viewer: string;
  readonly admin: string;
  /** Created with a one-second lifetime, then the mock's clock moved past it. */
  readonly expired: string;
  /** A legacy key whose base64 holds '+', '/' and '='. */
  readonly tricky: string;
}

/** A mock as the harness drives it: its HTTP client, its profile, its admin password. */
export interface Driver {
  readonly http: MockHttp;
  readonly profile: HarnessProfile;
  readonly adminPassword: string;
}

export function problem(d: Driver, what: string): Error {
  return new Error(`client harness, ${d.profile.name} mock at ${d.http.base}: ${what}`);
}

/**
 * The tricky key's name decides its characters: its base64 group starts at a group boundary (the
 * 45 bytes before it are fixed), so '?' and '~' as third bytes give '/' and '+', and a length that
 * is not a multiple of 3 after the 9 bytes that follow gives padding (grafana-auth §2.1).
 */
const TRICKY_NAME = 'cl?ie~nt-decode1';
/** When the name is taken (a mock reused across runs): the run id keeps the length at 2 mod 3. */
const trickyFallback = (run: string): string => `${TRICKY_NAME}-${run}`;

/** Runs a creation recipe as admin (`{name}`, `{role}`, `{ttl}`, `{id}` filled in); the last step's `key`. */
async function create(
  d: Driver,
  steps: readonly CreateStep[],
  fill: { name: string; role: string; ttl: number },
): Promise<{ status: number; key?: string; text: string }> {
  let id = '';
  for (const step of steps) {
    const body = Object.fromEntries(
      Object.entries(step.body).map(([k, v]) => [
        k,
        v === '{name}' ? fill.name : v === '{role}' ? fill.role : v === '{ttl}' ? fill.ttl : v,
      ]),
    );
    const path = step.path.replace('{id}', id);
    const answer = await d.http.call('POST', path, {
      headers: { Authorization: basicAuth('admin', d.adminPassword) },
      json: body,
    });
    if (answer.status !== step.status)
      return {
        status: answer.status,
        text: `POST ${path} answered ${answer.status}, not ${step.status}: ${answer.text.slice(0, 200)}`,
      };
    const value = jsonOf<Record<string, unknown>>(answer, `POST ${path}`)[step.take];
    if (step.take === 'id') id = String(value);
    else if (typeof value === 'string') return { status: answer.status, key: value, text: '' };
  }
  return { status: 0, text: `the recipe ${steps.map((s) => s.path).join(', ')} gave no key` };
}

async function mint(d: Driver, steps: readonly CreateStep[], name: string, role: string, ttl: number): Promise<string> {
  const r = await create(d, steps, { name, role, ttl });
  if (r.key === undefined) throw problem(d, `cannot create the ${role} key "${name}" as admin: ${r.text}`);
  return r.key;
}

/** grafana-auth §2.1: the tricky key is a legacy key; on a reused mock its name may be taken already. */
async function mintTricky(d: Driver, run: string): Promise<string> {
  const legacy = LEGACY_MINT;
  const first = await create(d, legacy, { name: TRICKY_NAME, role: 'Viewer', ttl: 0 });
  // grafana-auth §1.3: a taken name → 409 (9.2); Grafana 11's shared name index answers 400 (grafana-auth §5.3).
  const key =
    first.key ??
    (first.status === 409 || first.status === 400
      ? await mint(d, legacy, trickyFallback(run), 'Viewer', 0)
      : undefined);
  if (key === undefined) throw problem(d, `cannot create the legacy key "${TRICKY_NAME}" as admin: ${first.text}`);
  if (!(key.includes('+') && key.includes('/') && key.endsWith('=')))
    throw problem(d, `the tricky key lacks +, / or =: ${key.slice(0, 8)}…`);
  return key;
}

const kindOf = (key: string): KeyKind => (key.startsWith(KEY_START.token) ? 'token' : 'legacy');

/** The product's own answer to "whose key is this" (profiles.ts WHO_AM_I). */
export async function whoAmI(d: Driver, key: string): Promise<{ status: number; role?: unknown; message?: unknown }> {
  const path = d.profile.whoAmI[kindOf(key)].path;
  const answer = await d.http.call('GET', path, { headers: { Authorization: `Bearer ${key}` } });
  let body: { role?: unknown; message?: unknown } = {};
  try {
    body = JSON.parse(answer.text) as typeof body;
  } catch {
    // not JSON: no role
  }
  return { status: answer.status, role: body.role, message: body.message };
}

/** Fails fast when the mock does not treat the harness's keys as the cases assume (a verdict would mean nothing). */
export async function checkKeys(
  d: Driver,
  keys: HarnessKeys,
  roleOf: (key: string) => Promise<string | null>,
): Promise<void> {
  const prefix = KEY_START[d.profile.keyKind];
  for (const [name, role] of [
    ['viewer', 'Viewer'],
    ['admin', 'Admin'],
    ['tricky', 'Viewer'],
  ] as const) {
    const got = await roleOf(keys[name]);
    if (got !== role) throw problem(d, `the ${name} key authenticates as ${got ?? 'nobody'}, not ${role}`);
  }
  for (const name of ['viewer', 'admin', 'expired'] as const) {
    if (!keys[name].startsWith(prefix))
      throw problem(d, `the ${name} key is not a ${d.profile.keyKind} key (${keys[name].slice(0, 4)}…)`);
  }
  const expired = await whoAmI(d, keys.expired);
  if (expired.status !== EXPIRED_ANSWER.status || expired.message !== EXPIRED_ANSWER.message) {
    throw problem(
      d,
      `the expired key is not rejected as expired (${expired.status} ${JSON.stringify(expired.message ?? null)}, expected ${EXPIRED_ANSWER.status} "${EXPIRED_ANSWER.message}")`,
    );
  }
}

/** The lifetime of the expired key, and how far the clock moves past it (grafana-auth §4: rejected when expires <= now). */
const EXPIRED_TTL_SECONDS = 1;

/** The harness's keys, minted as admin (`run` names them apart from an earlier run's on a reused mock). */
export async function mintKeys(d: Driver, run: string): Promise<HarnessKeys> {
  const steps = d.profile.mint;
  // pmm-auth §4.1: legacy keys on PMM 2; pmm-auth §4.2: service-account tokens on PMM 3.
  const viewer = await mint(d, steps, `client-viewer-${run}`, 'Viewer', 0);
  const admin = await mint(d, steps, `client-admin-${run}`, 'Admin', 0);
  const tricky = await mintTricky(d, run);
  const expired = await mint(d, steps, `client-expired-${run}`, 'Viewer', EXPIRED_TTL_SECONDS);
  // Only the expired key has a lifetime yet; certificates follow the wall clock, not the mock's.
  const clock = await d.http.call('POST', '/__mock/clock', { json: { advanceSeconds: EXPIRED_TTL_SECONDS } });
  if (clock.status !== 200)
    throw problem(d, `POST /__mock/clock answered ${clock.status}: ${clock.text.slice(0, 200)}`);
  return { viewer, admin, expired, tricky };
}
