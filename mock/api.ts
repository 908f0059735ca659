/**
 * The programmatic API (issue 15): start a mock from your own tests, as the CLI would, and stop it.
 *
 *   const mock = await startPmmMock({ profile: 'pmm3', seedTokens: ['demo:Admin'] });
 *   await fetch(`${mock.url}/v1/server/version`, …);   // trust mock.ca
 *   await mock.close();
 *
 * The options are the command line's (`pmm-auth-mock --help`), typed, and checked by the same
 * parser: a bad one is the CLI's one-line message as a `PmmMockOptionError`. The mock listens on
 * 127.0.0.1 on free ports; generated certificates go to a temporary directory that `close()`
 * removes (unless `certDir` names one to keep them in). Several mocks can run in one process.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseCli, UsageError } from './cli-options.ts';
import type { JournalEntry, TlsEvent } from './journal.ts';
import type { RunningMock } from './options.ts';
import { startMock } from './server.ts';

export { runClientChecks, type ClientCheckOptions, type ClientCheckResult } from './api/checks.ts';
export { writeClientReports, type ClientCaseResult, type ClientReport, type ClientVerdict } from './api/reports.ts';
export type { JournalEntry, TlsEvent } from './journal.ts';

/** A key or token to create at start: `"name:Role[:seconds]"` or its parts. */
export type SeedSpec = string | { readonly name: string; readonly role: string; readonly secondsToLive?: number };

export interface PmmMockOptions {
  /** `pmm2` (PMM 2.41, the default) or `pmm3`. */
  readonly profile?: 'pmm2' | 'pmm3';
  /** `pmm3`: `11.1.8` (default) or `11.3`. */
  readonly grafanaVersion?: string;
  /** `pmm3`: `3.0.0` (default) or `3.3.0`. */
  readonly pmmVersion?: string;
  /** A bug-reproduction scenario of fixtures/scenarios/ by id (it names its own profile). */
  readonly scenario?: string;
  /** A scenario file of your own. */
  readonly scenarioFile?: string;
  readonly adminPassword?: string;
  /** Org users: `"login:password:Role"` or its parts. */
  readonly users?: readonly (string | { readonly login: string; readonly password: string; readonly role: string })[];
  readonly seedKeys?: readonly SeedSpec[];
  /** `pmm3`: a service account and a `glsa_` token of that name each. */
  readonly seedTokens?: readonly SeedSpec[];
  /** Certificate personalities to serve besides the main port (`'all'` or names; README "Certificate personalities"). */
  readonly tls?: 'all' | readonly string[];
  /** `mock` (default) or `pmm` (PMM's own shape: RSA-2048, no SAN). */
  readonly certStyle?: 'mock' | 'pmm';
  /** Keep generated certificates here (reused while valid) instead of a temporary directory. */
  readonly certDir?: string;
  /** Requests the journal keeps (default 1000). */
  readonly journalSize?: number;
  /** Grafana's `api_key_max_seconds_to_live` (default -1, unlimited). */
  readonly keyMaxSecondsToLive?: number;
  /** Also serve plain HTTP on a free port (default true). */
  readonly http?: boolean;
}

export class PmmMockOptionError extends Error {}

export interface PmmMock {
  /** `https://127.0.0.1:PORT` — PMM and Grafana (`/graph`) at its root. */
  readonly url: string;
  /** The plain HTTP listener (null with `http: false`). */
  readonly httpUrl: string | null;
  /** The PEM file that verifies `url`, and its text. */
  readonly caFile: string;
  readonly ca: string;
  /** Seeded legacy keys by name (the only place they are given whole). */
  readonly keys: Readonly<Record<string, string>>;
  /** Seeded `glsa_` tokens by name. */
  readonly tokens: Readonly<Record<string, string>>;
  /** A scenario's users' passwords by login. */
  readonly passwords: Readonly<Record<string, string>>;
  /** Personality listeners by name (with `tls`). */
  readonly personalities: Readonly<Record<string, string>>;
  /** The mock's clock (grafana-auth §4: expiry is judged by it). */
  readonly clock: {
    now(): Date;
    advance(seconds: number): void;
    set(when: Date | number): void;
  };
  /** What the mock saw (README "Control API": the same entries as GET /__mock/requests and /__mock/tls). */
  readonly journal: {
    requests(since?: number): JournalEntry[];
    tls(since?: number): TlsEvent[];
    clear(): number;
  };
  /** Switches to a scenario (POST /__mock/scenario); resolves with its keys and passwords. */
  scenario(id: string): Promise<{ keys: Record<string, string>; passwords: Record<string, string> }>;
  /** Faults in force (GET, POST and DELETE /__mock/faults). */
  readonly faults: {
    list(): Promise<unknown[]>;
    add(fault: object | readonly object[]): Promise<unknown[]>;
    clear(): Promise<number>;
  };
  /** Back to the start state: users, keys, clock, journal (POST /__mock/reset). */
  reset(): Promise<void>;
  /** Stops the listeners and removes the temporary certificate directory. */
  close(): Promise<void>;
}

const seedArg = (s: SeedSpec): string =>
  typeof s === 'string' ? s : `${s.name}:${s.role}${s.secondsToLive ? `:${s.secondsToLive}` : ''}`;

/** The options as the command line's flags, so that the CLI's parser checks them alike. */
function argvOf(o: PmmMockOptions, certDir: string): string[] {
  const argv = ['--host', '127.0.0.1', '--https-port', '0', '--http-port', o.http === false ? '-1' : '0'];
  const flag = (name: string, v: string | number | undefined): void => {
    if (v !== undefined) argv.push(`--${name}=${v}`);
  };
  flag('profile', o.scenario || o.scenarioFile ? undefined : o.profile);
  flag('grafana-version', o.grafanaVersion);
  flag('pmm-version', o.pmmVersion);
  flag('scenario', o.scenario);
  flag('scenario-file', o.scenarioFile);
  flag('admin-password', o.adminPassword);
  for (const u of o.users ?? []) flag('user', typeof u === 'string' ? u : `${u.login}:${u.password}:${u.role}`);
  for (const k of o.seedKeys ?? []) flag('seed-key', seedArg(k));
  for (const k of o.seedTokens ?? []) flag('seed-token', seedArg(k));
  if (o.tls !== undefined) flag('tls', o.tls === 'all' ? 'all' : o.tls.join(','));
  flag('cert-style', o.certStyle);
  flag('cert-dir', certDir);
  flag('journal-size', o.journalSize);
  flag('key-max-ttl', o.keyMaxSecondsToLive);
  return argv;
}

export async function startPmmMock(options: PmmMockOptions = {}): Promise<PmmMock> {
  const tempDir = options.certDir === undefined ? mkdtempSync(join(tmpdir(), 'pmm-auth-mock-')) : null;
  const removeTemp = (): void => {
    if (tempDir) rmSync(tempDir, { recursive: true, force: true });
  };
  let running: RunningMock;
  try {
    let cli;
    try {
      cli = parseCli(argvOf(options, options.certDir ?? tempDir!));
    } catch (e) {
      if (e instanceof UsageError)
        throw new PmmMockOptionError(e.message.replace(/--([a-z-]+)/g, (_m, f: string) => optionName(f)));
      throw e;
    }
    running = await startMock({ ...cli.mock, log: () => {} });
  } catch (e) {
    removeTemp();
    throw e;
  }
  return facade(running, options, removeTemp);
}

/** `--seed-key` → `seedKeys` (what an error message names, in the API's words). */
function optionName(flag: string): string {
  const names: Record<string, string> = {
    'seed-key': 'seedKeys',
    'seed-token': 'seedTokens',
    user: 'users',
    'journal-size': 'journalSize',
    'key-max-ttl': 'keyMaxSecondsToLive',
    'cert-style': 'certStyle',
    'cert-dir': 'certDir',
    'grafana-version': 'grafanaVersion',
    'pmm-version': 'pmmVersion',
    'scenario-file': 'scenarioFile',
    'admin-password': 'adminPassword',
  };
  return names[flag] ?? flag;
}

function facade(m: RunningMock, options: PmmMockOptions, removeTemp: () => void): PmmMock {
  const ca = readFileSync(m.caFile, 'utf8');
  const tokenNames = new Set(
    (options.seedTokens ?? []).map((s) => (typeof s === 'string' ? s.split(':')[0]! : s.name)),
  );
  const pick = (tokens: boolean) =>
    Object.fromEntries(Object.entries(m.keys).filter(([name]) => tokenNames.has(name) === tokens));
  const control = async (method: string, path: string, body?: unknown): Promise<Record<string, unknown>> => {
    const { status, text } = await call(m.httpsUrl, ca, method, `/__mock${path}`, body);
    const parsed = JSON.parse(text) as Record<string, unknown>;
    if (status !== 200) throw new PmmMockOptionError(String(parsed.error ?? text));
    return parsed;
  };
  let closed: Promise<void> | undefined;
  return {
    url: m.httpsUrl,
    httpUrl: m.httpUrl,
    caFile: m.caFile,
    ca,
    keys: pick(false),
    tokens: pick(true),
    passwords: m.passwords,
    personalities: Object.fromEntries(Object.entries(m.personalities).map(([name, p]) => [name, p.url])),
    clock: {
      now: () => new Date(m.clock.nowMs()),
      advance: (seconds) => m.clock.advance(seconds),
      set: (when) => m.clock.set(typeof when === 'number' ? when : when.getTime()),
    },
    journal: {
      requests: (since = 0) => m.journal.list(since),
      tls: (since = 0) => m.journal.listTls(since),
      clear: () => m.journal.clear(),
    },
    async scenario(id) {
      const r = await control('POST', '/scenario', { id });
      return {
        keys: (r.keys ?? {}) as Record<string, string>,
        passwords: (r.passwords ?? {}) as Record<string, string>,
      };
    },
    faults: {
      list: async () => (await control('GET', '/faults')).faults as unknown[],
      add: async (fault) => (await control('POST', '/faults', fault)).faults as unknown[],
      clear: async () => (await control('DELETE', '/faults')).cleared as number,
    },
    async reset() {
      await control('POST', '/reset', {});
    },
    close() {
      closed ??= m.close().finally(removeTemp);
      return closed;
    },
  };
}

/** One request to the mock's control API over its HTTPS listener, trusting its certificate. */
function call(
  base: string,
  ca: string,
  method: string,
  path: string,
  body: unknown,
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = request(new URL(path, base), {
      method,
      ca,
      agent: false,
      // The control API's writes need a JSON content type, bodyless ones too (README "Control API").
      headers: {
        ...(method === 'GET' ? {} : { 'Content-Type': 'application/json' }),
        ...(payload === undefined ? {} : { 'Content-Length': Buffer.byteLength(payload) }),
      },
    });
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(payload);
  });
}
