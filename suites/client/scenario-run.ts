/**
 * `pmm-auth-check scenarios`: each client through each scenario. One mock process per scenario
 * (`pmm-auth-mock --scenario ID`, a black box); its clients run one after another, each after
 * `POST /__mock/reset` (the scenario's start again: same keys, clock, faults, an empty journal).
 * Scenarios run side by side, `jobs` at a time (each has its own mock). The client runs with the
 * protocol (fixtures/clients/PROTOCOL.md: SCENARIO_ID, REPEAT), then the journal is judged with
 * the scenario's `expect` (suites/client/scenario-expect.ts).
 */
import { describeOutcome, runAdapter, type AdapterEnv, type Outcome } from './adapter.ts';
import type { Verdict } from './case-kit.ts';
import { userinfoUrl } from './case-kit.ts';
import { checkEntries, type JournalEntry } from './journal.ts';
import { mockHttp, type MockHttp } from './mock-http.ts';
import { describeProfile, HARNESS_PROFILES, PROFILE_NAMES, type ProfileName } from './profiles.ts';
import type { CaseResult, ClientResult, RunResult } from './run-result.ts';
import type { ResolvedClient } from './runner.ts';
import { judge, type Judgement } from './scenario-expect.ts';
import { clientRequest, type LoadedScenario, type ScenarioFile } from './scenario-files.ts';
import { spawnMock, type SpawnedMock } from '../_support/spawn-mock.ts';
import { readFileSync } from 'node:fs';

/** A scenario's expected verdict for one client (the `scenarios` part of <client>.expect.json). */
export interface ScenarioExpectation {
  readonly verdict: Verdict;
  readonly reason: string;
  readonly source: string;
}

export interface ScenarioRunOptions {
  readonly jobs: number;
  readonly timeoutMs: number;
  readonly log?: (line: string) => void;
  /** client → scenario id → expected verdict (absent: PASS or INFO). */
  readonly expectations?: ReadonlyMap<string, ReadonlyMap<string, ScenarioExpectation>>;
}

/** The verdict of one run from its judgements (and whether the client stopped at all). */
export function verdictOf(
  s: ScenarioFile,
  outcome: Outcome,
  judged: readonly Judgement[],
  seen: number,
  timeoutMs: number,
): { verdict: Verdict; reason: string } {
  const source = (j?: Judgement): string => ` — source: ${j?.source ?? s.sources[0] ?? 'none'}`;
  const said = `client: ${describeOutcome(outcome)}; the mock saw ${seen} request(s)`;
  const failed = judged.filter((j) => j.pass === false);
  const list = (js: readonly Judgement[]): string => js.map((j) => `${j.id} (${j.level}): ${j.reason}`).join('; ');
  // A client that never stops is stopped by the harness: whatever it sent, it did not finish.
  if (outcome.kind === 'timeout')
    return {
      verdict: 'FAIL',
      reason: `did not stop within the ${timeoutMs / 1000} s timeout (${seen} request(s) by then)${failed.length ? `; ${list(failed)}` : ''}${source(failed[0])}`,
    };
  if (outcome.kind === 'error' && outcome.error === 'unsupported')
    return { verdict: 'UNSUPPORTED', reason: `the client cannot express this: ${outcome.message}${source()}` };
  const must = failed.find((j) => j.level === 'MUST');
  if (must) return { verdict: 'FAIL', reason: `${list(failed)}; ${said}${source(must)}` };
  if (failed.length) return { verdict: 'NON-STRICT', reason: `${list(failed)}; ${said}${source(failed[0])}` };
  const passed = judged.filter((j) => j.pass === true);
  if (passed.length) return { verdict: 'PASS', reason: `${list(passed)}; ${said}${source(passed[0])}` };
  const why = judged.length
    ? `not judged: ${list(judged)}`
    : 'nothing to judge: the scenario has no client expectation';
  return { verdict: 'INFO', reason: `${why}; ${said}${source(judged[0])}` };
}

/** A scenario's mock, and what its ready line gave: the URL, the CA and the secrets by name. */
interface ScenarioMock {
  readonly spawned: SpawnedMock;
  readonly http: MockHttp;
  readonly secrets: Readonly<Record<string, string>>;
  readonly passwords: Readonly<Record<string, string>>;
}

/** The scenario mocks running now: stopped on an interrupt (stopScenarioMocks). */
const running = new Set<SpawnedMock>();

/** On the way out: every scenario mock still running is killed. */
export async function stopScenarioMocks(): Promise<void> {
  await Promise.all([...running].map((m) => m.stop()));
  running.clear();
}

/** The same, synchronously, for the way out (`process.on('exit')`): SIGKILL, no waiting. */
export function killScenarioMocksSync(): void {
  for (const m of running) m.child.kill('SIGKILL');
  running.clear();
}

async function openMock(s: LoadedScenario): Promise<ScenarioMock> {
  const which = s.path === undefined ? ['--scenario', s.id] : ['--scenario-file', s.path];
  // A plain-HTTP listener on 127.0.0.1 too, for the harness's control calls: a scenario may serve a
  // certificate that names no host or IP (B14, PMM's own), which no client verifies by IP — nor could we.
  const spawned = await spawnMock([...which, '--journal-size', '100000', '--http-port', '0']);
  running.add(spawned);
  const ready = spawned.ready as typeof spawned.ready & { passwords?: Record<string, string> };
  return {
    spawned,
    http: ready.http ? mockHttp(ready.http, null) : mockHttp(spawned.https, readFileSync(spawned.caFile, 'utf8')),
    secrets: ready.keys,
    passwords: ready.passwords ?? {},
  };
}

/** The protocol's environment for one client in the scenario. */
function envFor(s: ScenarioFile, m: ScenarioMock): AdapterEnv {
  const c = clientRequest(s);
  const name = c.credential;
  const secret = name === undefined ? '' : c.isUser ? m.passwords[name] : m.secrets[name];
  if (secret === undefined)
    throw new Error(`scenario ${s.id}: /client/credential: "${name}" is no key, token or user the mock printed`);
  const base = m.spawned.https;
  const user = c.isUser ? (name ?? '') : HARNESS_PROFILES[s.product.profile].basicUser;
  return {
    CASE_ID: `scenario:${s.id}`,
    SCENARIO_ID: s.id,
    REPEAT: String(c.repeat),
    PMM_URL: c.authMode === 'userinfo' && secret !== '' ? userinfoUrl(base, user, secret, c.path) : `${base}${c.path}`,
    PMM_API_KEY: secret,
    AUTH_MODE: c.authMode,
    TLS_MODE: c.tlsMode,
    ...(c.tlsMode === 'ca' ? { PMM_CA_FILE: m.spawned.caFile } : {}),
    METHOD: c.method,
    ...(c.body !== undefined ? { BODY: c.body } : {}),
  };
}

async function control(m: ScenarioMock, method: string, path: string): Promise<string> {
  const a = await m.http.call(method, path, method === 'GET' ? {} : { json: {} });
  if (a.status !== 200)
    throw new Error(`${method} ${m.http.base}${path} answered ${a.status}: ${a.text.slice(0, 200)}`);
  return a.text;
}

/** One client in the scenario: reset, run, read the journal, judge. */
async function runOne(
  s: ScenarioFile,
  m: ScenarioMock,
  client: ResolvedClient,
  opts: ScenarioRunOptions,
): Promise<CaseResult> {
  await control(m, 'POST', '/__mock/reset');
  const outcome = await runAdapter(client.executable!, envFor(s, m), opts.timeoutMs);
  const where = `GET ${m.http.base}/__mock/requests`;
  const body = JSON.parse(await control(m, 'GET', '/__mock/requests?since=0')) as { requests?: unknown };
  const entries = checkEntries<JournalEntry>('journal-entry', where, body.requests);
  const judged = verdictOf(s, outcome, judge(s.expect, entries), entries.length, opts.timeoutMs);
  const exp = opts.expectations?.get(client.name)?.get(s.id);
  const want: Verdict = exp?.verdict ?? (judged.verdict === 'INFO' ? 'INFO' : 'PASS');
  return {
    ...judged,
    expected: judged.verdict === want,
    expectedVerdict: want,
    ...(exp ? { expectationReason: exp.reason } : {}),
  };
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/** The strongest level a scenario judges (its row's level in the reports). */
const levelOf = (s: ScenarioFile): string =>
  (['MUST', 'SHOULD', 'MAY'] as const).find((l) => s.expect.some((x) => x.level === l)) ?? 'INFO';

/** Every runnable client through every scenario; the result has the client matrix's shape (reports reuse report.ts). */
export async function runScenarios(
  clients: readonly ResolvedClient[],
  scenarios: readonly LoadedScenario[],
  opts: ScenarioRunOptions,
): Promise<RunResult> {
  const log = opts.log ?? (() => undefined);
  const runnable = clients.filter((c) => c.executable !== null && c.version !== null);
  const live = new Map<string, Partial<Record<ProfileName, Record<string, CaseResult>>>>();
  log(
    `plan: ${plural(runnable.length, 'client')} (${runnable.map((c) => c.name).join(', ')}) × ${plural(scenarios.length, 'scenario')} = ${plural(runnable.length * scenarios.length, 'verdict')}, ${plural(Math.min(opts.jobs, scenarios.length), 'lane')}`,
  );
  const queue = [...scenarios];
  const lane = async (): Promise<void> => {
    for (let s = queue.shift(); s; s = queue.shift()) {
      const m = await openMock(s).catch((e: Error) => {
        throw new Error(`scenario ${s!.id}: the mock did not start: ${e.message.split('\n')[0]}`);
      });
      try {
        const tally: string[] = [];
        for (const c of runnable) {
          const r = await runOne(s, m, c, opts);
          const byProfile = live.get(c.name) ?? {};
          byProfile[s.product.profile] = { ...byProfile[s.product.profile], [s.id]: r };
          live.set(c.name, byProfile);
          tally.push(`${c.name} ${r.verdict}`);
        }
        log(`${s.id}: ${tally.join(', ')}`);
      } finally {
        m.http.close();
        await m.spawned.stop();
        running.delete(m.spawned);
      }
    }
  };
  // A lane that fails (a mock that does not start) empties the queue; the others finish their scenario.
  const lanes = await Promise.allSettled(
    Array.from({ length: Math.max(1, Math.min(opts.jobs, scenarios.length)) }, () =>
      lane().catch((e: unknown) => {
        queue.length = 0;
        throw e;
      }),
    ),
  );
  const failed = lanes.find((l) => l.status === 'rejected');
  if (failed) throw (failed as PromiseRejectedResult).reason;
  const used = PROFILE_NAMES.filter((p) => scenarios.some((s) => s.product.profile === p));
  const results: Record<string, ClientResult> = {};
  const unexpected: string[] = [];
  for (const c of clients) {
    if (!runnable.includes(c)) {
      results[c.name] = {
        version: null,
        executable: c.executable,
        missing: c.missing ?? 'not installed',
        profiles: {},
      };
      continue;
    }
    const byProfile = live.get(c.name) ?? {};
    results[c.name] = {
      version: c.version,
      executable: c.executable,
      profiles: Object.fromEntries(used.map((p) => [p, { cases: byProfile[p] ?? {} }])),
    };
    for (const s of scenarios) {
      const r = byProfile[s.product.profile]?.[s.id];
      if (r && !r.expected)
        unexpected.push(`${c.name} ${s.id}: ${r.verdict}, expected ${r.expectedVerdict} — ${r.reason}`);
    }
  }
  return {
    generated: new Date().toISOString(),
    command: 'scenarios',
    profiles: used.map((p) => describeProfile(HARNESS_PROFILES[p])),
    cases: scenarios.map((s) => ({ id: s.id, level: levelOf(s), title: `${s.bug ? `${s.bug}: ` : ''}${s.title}` })),
    clients: results,
    unexpected,
    causes: [],
  };
}
