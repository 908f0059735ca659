/**
 * The client harness's mocks, driven black-box: a mock process the harness starts
 * (`pmm-auth-mock --json --tls all`, suites/_support/spawn-mock.ts) or one started separately
 * (`--mock-url`). The harness mints its keys as admin through the product API, makes the expired
 * key by creating it with a lifetime and moving the mock's clock (`POST /__mock/clock`), learns a
 * key's role from the product's own answer, and reads what the mock saw through
 * `GET /__mock/requests` and `GET /__mock/tls`, every entry checked against fixtures/schemas/.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { spawnMock, type SpawnedMock } from '../_support/spawn-mock.ts';
import { checkEntries, type JournalEntry, type TlsEvent } from './journal.ts';
import { basicAuth, jsonOf, mockHttp, type MockHttp } from './mock-http.ts';
import {
  EXPIRED_ANSWER,
  HARNESS_PROFILES,
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

export interface HarnessMock {
  readonly profile: HarnessProfile;
  /** The mock's main HTTPS URL. */
  readonly main: string;
  /** URL of a personality listener, e.g. https://127.0.0.1:PORT */
  url(personality: string): string;
  readonly caFile: string;
  readonly adminPassword: string;
  readonly keys: HarnessKeys;
  /** The org role the product gives a key (null when it does not authenticate). */
  roleOf(key: string): Promise<string | null>;
  /** The journal position now: later entries belong to what runs next. */
  mark(): Promise<number>;
  requestsSince(seq: number): Promise<JournalEntry[]>;
  tlsSince(seq: number): Promise<TlsEvent[]>;
  /** Ad-hoc faults (`POST /__mock/faults`, fixtures/scenarios/README.md "Faults") in force while `run` runs, then all removed (`DELETE /__mock/faults`). */
  withFaults<T>(faults: readonly object[], run: () => Promise<T>): Promise<T>;
  /** Stops the mock when the harness started it; forgets it otherwise. */
  close(): Promise<void>;
}

/** The personalities the cases use (README "Certificate personalities"): a mock must serve them all. */
export const NEEDED_PERSONALITIES = [
  'valid',
  'self-signed',
  'pmm-default',
  'expired',
  'not-yet-valid',
  'wrong-host',
  'untrusted-root',
  'incomplete-chain',
  'no-san',
  'sha1',
] as const;

/** The test root CA of a mock started with `--tls` and its default `--cert-dir`. */
export const DEFAULT_MOCK_CA = fileURLToPath(
  new URL('../../fixtures/tls/generated/personalities/root-ca.crt', import.meta.url),
);

/**
 * The tricky key's name decides its characters: its base64 group starts at a group boundary (the
 * 45 bytes before it are fixed), so '?' and '~' as third bytes give '/' and '+', and a length that
 * is not a multiple of 3 after the 9 bytes that follow gives padding (grafana-auth §2.1).
 */
const TRICKY_NAME = 'cl?ie~nt-decode1';
/** When the name is taken (a mock reused across runs): the run id keeps the length at 2 mod 3. */
const trickyFallback = (run: string): string => `${TRICKY_NAME}-${run}`;

/** The journal listings, each entry checked against its schema. */
async function listing<T>(http: MockHttp, path: 'requests' | 'tls', since: number): Promise<T[]> {
  const where = `GET ${http.base}/__mock/${path}?since=${since}`;
  const answer = await http.call('GET', `/__mock/${path}?since=${since}`);
  if (answer.status !== 200)
    throw new Error(`client harness: ${where} answered ${answer.status}: ${answer.text.slice(0, 200)}`);
  const body = jsonOf<{ requests?: unknown; events?: unknown }>(answer, where);
  return checkEntries<T>(
    path === 'requests' ? 'journal-entry' : 'tls-event',
    where,
    path === 'requests' ? body.requests : body.events,
  );
}

interface Driver {
  readonly http: MockHttp;
  readonly profile: HarnessProfile;
  readonly adminPassword: string;
}

function problem(d: Driver, what: string): Error {
  return new Error(`client harness, ${d.profile.name} mock at ${d.http.base}: ${what}`);
}

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
async function whoAmI(d: Driver, key: string): Promise<{ status: number; role?: unknown; message?: unknown }> {
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
async function checkKeys(d: Driver, keys: HarnessKeys, roleOf: (key: string) => Promise<string | null>): Promise<void> {
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

async function prepare(
  d: Driver,
  personalities: Readonly<Record<string, string>>,
  caFile: string,
  close: () => Promise<void>,
): Promise<HarnessMock> {
  const run = randomBytes(4).toString('hex').slice(0, 6);
  const missing = NEEDED_PERSONALITIES.filter((p) => !personalities[p]);
  if (missing.length > 0) throw problem(d, `it serves no ${missing.join(', ')} personality; start it with --tls all`);
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
  const keys: HarnessKeys = { viewer, admin, expired, tricky };
  const roleOf = async (key: string): Promise<string | null> => {
    const r = await whoAmI(d, key);
    return r.status === 200 && typeof r.role === 'string' ? r.role : null;
  };
  await checkKeys(d, keys, roleOf);
  let cursor = 0;
  const mark = async (): Promise<number> => {
    // The harness's own requests (minting, roleOf) are journaled too: skip past everything so far.
    const [requests, tls] = await Promise.all([
      listing<JournalEntry>(d.http, 'requests', cursor),
      listing<TlsEvent>(d.http, 'tls', cursor),
    ]);
    cursor = Math.max(cursor, ...requests.map((e) => e.seq), ...tls.map((e) => e.seq));
    return cursor;
  };
  return {
    profile: d.profile,
    main: d.http.base,
    url: (p) => personalities[p] ?? d.http.base,
    caFile,
    adminPassword: d.adminPassword,
    keys,
    roleOf,
    mark,
    requestsSince: (seq) => listing<JournalEntry>(d.http, 'requests', seq),
    tlsSince: (seq) => listing<TlsEvent>(d.http, 'tls', seq),
    async withFaults(faults, run) {
      const added = await d.http.call('POST', '/__mock/faults', { json: faults });
      if (added.status !== 200)
        throw problem(d, `POST /__mock/faults answered ${added.status}: ${added.text.slice(0, 200)}`);
      try {
        return await run();
      } finally {
        const removed = await d.http.call('DELETE', '/__mock/faults', {
          headers: { 'Content-Type': 'application/json' },
        });
        if (removed.status !== 200)
          throw problem(d, `DELETE /__mock/faults answered ${removed.status}: ${removed.text.slice(0, 200)}`);
      }
    },
    close: async () => {
      d.http.close();
      await close();
    },
  };
}

/** The mock processes this process started and has not stopped yet, and those still starting. */
const started = new Set<SpawnedMock>();
const starting = new Set<Promise<SpawnedMock>>();
let stopped = false;

/**
 * On the way out (a signal, an uncaught error): no mock process outlives the harness. Kills the
 * mocks started, and each mock still starting as soon as it is ready (the promise waits for them,
 * at most 10 s); no mock starts afterwards.
 */
export async function stopStartedMocks(): Promise<void> {
  stopped = true;
  for (const m of started) m.child.kill('SIGKILL');
  started.clear();
  const pending = [...starting].map((p) => p.then((m) => m.child.kill('SIGKILL')).catch(() => undefined));
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([Promise.all(pending), new Promise((resolve) => (timer = setTimeout(resolve, 10_000)))]);
  clearTimeout(timer);
}

/** Starts a mock process for the profile, serving every personality, with a random admin password. */
export async function startHarnessMock(profile: HarnessProfile): Promise<HarnessMock> {
  if (stopped) throw new Error('client harness: stopping, no mock starts');
  const adminPassword = randomBytes(9).toString('base64url');
  const spawning = spawnMock([
    '--profile',
    profile.mockProfile,
    '--tls',
    'all',
    // One argument: a base64url password may start with '-', which the CLI would take for an option.
    `--admin-password=${adminPassword}`,
    '--journal-size',
    '100000',
  ]);
  starting.add(spawning);
  let spawned: SpawnedMock;
  try {
    spawned = await spawning;
  } finally {
    starting.delete(spawning);
  }
  if (stopped) {
    spawned.child.kill('SIGKILL');
    throw new Error('client harness: stopping, no mock starts');
  }
  started.add(spawned);
  const stop = async (): Promise<void> => {
    await spawned.stop();
    started.delete(spawned);
  };
  const http = mockHttp(spawned.https, readFileSync(spawned.caFile, 'utf8'));
  try {
    return await prepare({ http, profile, adminPassword }, spawned.ready.personalities ?? {}, spawned.caFile, stop);
  } catch (e) {
    http.close();
    await stop();
    throw e;
  }
}

export interface ExternalMock {
  readonly url: string;
  /** The CA that verifies the mock's listeners (default: the test root CA in fixtures/tls/generated/). */
  readonly caFile?: string;
  readonly adminPassword: string;
}

/** A mock started separately: its profile from `GET /__mock/routes`, its listeners from `GET /__mock/listeners`. */
export async function connectHarnessMock(ext: ExternalMock): Promise<HarnessMock> {
  const caFile = ext.caFile ?? DEFAULT_MOCK_CA;
  if (!existsSync(caFile))
    throw new Error(`--mock-ca ${caFile}: no such file (the CA that verifies the mock at ${ext.url})`);
  const http = mockHttp(ext.url, readFileSync(caFile, 'utf8'));
  try {
    const routes = await http.call('GET', '/__mock/routes');
    if (routes.status !== 200)
      throw new Error(`--mock-url ${ext.url}: GET /__mock/routes answered ${routes.status}; is it a pmm-auth-mock?`);
    const name = jsonOf<{ profile?: unknown }>(routes, `GET ${ext.url}/__mock/routes`).profile;
    const profile = Object.values(HARNESS_PROFILES).find((p) => p.mockProfile === name);
    if (!profile)
      throw new Error(
        `--mock-url ${ext.url}: the mock's profile "${String(name)}" is none of ${Object.values(HARNESS_PROFILES)
          .map((p) => p.mockProfile)
          .join(', ')}`,
      );
    const listeners = await http.call('GET', '/__mock/listeners');
    if (listeners.status !== 200)
      throw new Error(`--mock-url ${ext.url}: GET /__mock/listeners answered ${listeners.status}`);
    const personalities =
      jsonOf<{ personalities?: Record<string, string> }>(listeners, `GET ${ext.url}/__mock/listeners`).personalities ??
      {};
    return await prepare(
      { http, profile, adminPassword: ext.adminPassword },
      personalities,
      caFile,
      async () => undefined,
    );
  } catch (e) {
    http.close();
    throw e;
  }
}
