/**
 * Runs the client cases for a set of clients and compares each verdict with the client's
 * expectation file. The mocks are black-box processes (suites/client/harness-mock.ts), each
 * serving every certificate personality, grouped in lanes: a lane holds one mock per profile, and
 * runs one client at a time, its profiles side by side. A journal cannot tell two concurrent
 * clients apart, so clients run in parallel only on different lanes.
 */
import { availableParallelism } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { CASE_TIMEOUT_MS, runAdapter, type Outcome } from './adapter.ts';
import type { ClientSpec } from './builtins.ts';
import { causeOf, type Observed } from './case-kit.ts';
import { CLIENT_CASES, type CaseContext, type ClientCase, type Verdict } from './cases.ts';
import { expectationFor, expectedVerdict, loadExpectations, type Expectations } from './expectations.ts';
import { connectHarnessMock, startHarnessMock, type ExternalMock, type HarnessMock } from './harness-mock.ts';
import { describeProfile, HARNESS_PROFILES, PROFILE_NAMES, type HarnessProfile, type ProfileName } from './profiles.ts';

export interface CaseResult {
  readonly verdict: Verdict;
  readonly reason: string;
  readonly expected: boolean;
  readonly expectedVerdict: Verdict;
  readonly expectationReason?: string;
  /** The cause of the case's last run (case-kit causeOf): what several unexpected verdicts may share. */
  readonly cause?: string;
}

export interface ClientResult {
  readonly version: string | null;
  readonly executable: string | null;
  readonly missing?: string;
  /** Per profile that ran: case id → result. */
  readonly profiles: Partial<Record<ProfileName, { readonly cases: Record<string, CaseResult> }>>;
}

/** Several unexpected verdicts of one client with one cause: said once. */
export interface SharedCause {
  readonly client: string;
  readonly cause: string;
  /** "<profile> <case id>", in run order. */
  readonly cases: readonly string[];
}

export interface RunResult {
  readonly generated: string;
  readonly profiles: readonly ReturnType<typeof describeProfile>[];
  readonly cases: readonly { id: string; level: string; title: string }[];
  readonly clients: Record<string, ClientResult>;
  /** Unexpected verdicts, one line each ("<client> <profile> <case>: …"): what makes the run fail. */
  readonly unexpected: readonly string[];
  /** Unexpected verdicts that share a cause, per client (two or more). */
  readonly causes: readonly SharedCause[];
  /** Set when the run was interrupted (the signal): the results are those finished by then. */
  readonly partial?: string;
  /** `scenarios` for `pmm-auth-check scenarios` (its cases are scenarios); absent for the client matrix. */
  readonly command?: 'scenarios';
}

/** A client whose `--version` was asked already: runnable when it has an executable and a version. */
export interface ResolvedClient extends ClientSpec {
  readonly version: string | null;
}

export interface RunOptions {
  readonly cases?: readonly ClientCase[];
  /** The columns (default: both, or the given mocks' profiles). */
  readonly profiles?: readonly HarnessProfile[];
  /** Progress, one line at a time: the plan, then a line per client and profile as it finishes. */
  readonly log?: (line: string) => void;
  /** Each client's expectations (loadAllExpectations); a client absent here expects the defaults. */
  readonly expectations?: ReadonlyMap<string, Expectations>;
  /** Mocks started separately (`--mock-url`), instead of mocks the harness starts; their profiles decide the columns. */
  readonly mocks?: readonly ExternalMock[];
  /** How many lanes of mocks the harness starts (default DEFAULT_JOBS, never more than there are clients). */
  readonly jobs?: number;
  /** How long a case's client may take (`--timeout`; default CASE_TIMEOUT_MS). */
  readonly timeoutMs?: number;
}

/** Every client's expectation file, read before anything runs: a broken one is a usage error. */
export function loadAllExpectations(
  clients: readonly ClientSpec[],
  expectationsDir: string | undefined,
): Map<string, Expectations> {
  return new Map(
    clients
      // Checked against every case, not only the selected ones: --cases must not make an entry "unknown".
      .filter((c) => c.builtin || expectationsDir !== undefined)
      .map((c) => [c.name, loadExpectations(c.name, CLIENT_CASES, expectationsDir)]),
  );
}

/** A lane: one mock per profile that runs; one client at a time. */
type Lane = ReadonlyMap<ProfileName, HarnessMock>;

/** One lane per core, at most 4: the adapters are processes, and the machine's cores run them. */
export const DEFAULT_JOBS = Math.max(1, Math.min(4, availableParallelism()));

/** The longest the runner waits, after a client gave no response, for the mock to record the TLS connection's end. */
const TLS_EVENT_WAIT_MS = 300;

/**
 * After a refusal the mock records the TLS event when it sees the connection end, which may be
 * just after the client exits. A response needs no wait: the journal entry is written before the
 * answer leaves the mock.
 */
async function settle(h: HarnessMock, since: number, outcome: Outcome): Promise<void> {
  if (outcome.kind === 'response') return;
  for (let waited = 0; waited < TLS_EVENT_WAIT_MS && (await h.tlsSince(since)).length === 0; waited += 10)
    await sleep(10);
}

function contextFor(
  h: HarnessMock,
  executable: string,
  caseId: () => string,
  last: (o: Observed) => void,
  timeoutMs: number,
): CaseContext {
  return {
    profile: h.profile,
    url: (p) => h.url(p),
    caFile: h.caFile,
    keys: h.keys,
    adminPassword: h.adminPassword,
    async run(env) {
      const since = await h.mark();
      const outcome = await runAdapter(
        executable,
        { CASE_ID: caseId(), METHOD: 'GET', REPEAT: '1', ...env },
        timeoutMs,
      );
      await settle(h, since, outcome);
      const [requests, tls] = await Promise.all([h.requestsSince(since), h.tlsSince(since)]);
      const observed = { outcome, requests, tls };
      last(observed);
      return observed;
    },
    roleOf: (key) => h.roleOf(key),
    withFaults: (faults, run) => h.withFaults(faults, run),
  };
}

/** Every case for one client against one profile's mock; `done` gets each result as it is judged. */
async function runProfile(
  h: HarnessMock,
  executable: string,
  cases: readonly ClientCase[],
  expectations: Expectations,
  done: (id: string, result: CaseResult) => void,
  timeoutMs: number,
): Promise<Record<string, CaseResult>> {
  let current = '';
  let observed: Observed | undefined;
  const ctx = contextFor(
    h,
    executable,
    () => current,
    (o) => (observed = o),
    timeoutMs,
  );
  const results: Record<string, CaseResult> = {};
  for (const c of cases) {
    current = c.id;
    observed = undefined;
    const judged = await c.judge(ctx);
    const exp = expectationFor(expectations, h.profile.name, c.id);
    const want = expectedVerdict(c, exp);
    const expected = judged.verdict === want;
    results[c.id] = {
      ...judged,
      expected,
      expectedVerdict: want,
      ...(exp ? { expectationReason: exp.reason } : {}),
      ...(observed ? { cause: causeOf(observed) } : {}),
    };
    done(c.id, results[c.id]!);
  }
  return results;
}

/** The lanes: from the given mocks (the i-th mock of each profile forms lane i), or started here. */
async function openLanes(
  chosen: readonly HarnessProfile[] | undefined,
  opts: RunOptions,
  wanted: number,
): Promise<{ lanes: Lane[]; profiles: readonly HarnessProfile[]; close(): Promise<void> }> {
  const opened: HarnessMock[] = [];
  const close = async (): Promise<void> => {
    await Promise.all(opened.splice(0).map((h) => h.close()));
  };
  try {
    if (opts.mocks && opts.mocks.length > 0) {
      const settled = await Promise.allSettled(opts.mocks.map((m) => connectHarnessMock(m)));
      opened.push(...settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : [])));
      const failed = settled.find((s) => s.status === 'rejected');
      if (failed) throw (failed as PromiseRejectedResult).reason;
      // Without --profile, the columns are the given mocks' profiles.
      const profiles =
        chosen ??
        PROFILE_NAMES.map((n) => HARNESS_PROFILES[n]).filter((p) => opened.some((h) => h.profile.name === p.name));
      const byProfile = profiles.map((p) => opened.filter((h) => h.profile.name === p.name));
      const none = profiles.filter((_, i) => byProfile[i]!.length === 0);
      if (none.length > 0)
        throw new Error(
          `--mock-url: no mock has profile ${none.map((p) => p.name).join(', ')} (given: ${opened.map((h) => `${h.main} ${h.profile.name}`).join(', ')}); choose --profile accordingly`,
        );
      const count = byProfile[0]!.length;
      if (byProfile.some((list) => list.length !== count))
        throw new Error(
          `--mock-url: give as many mocks of each profile (${profiles.map((p, i) => `${p.name} ${byProfile[i]!.length}`).join(', ')})`,
        );
      return {
        lanes: Array.from({ length: count }, (_, i) => new Map(profiles.map((p, j) => [p.name, byProfile[j]![i]!]))),
        profiles,
        close,
      };
    }
    const profiles = chosen ?? PROFILE_NAMES.map((n) => HARNESS_PROFILES[n]);
    const settled = await Promise.allSettled(
      Array.from({ length: wanted }, () => profiles.map((p) => startHarnessMock(p))).flat(),
    );
    opened.push(...settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : [])));
    const failed = settled.find((s) => s.status === 'rejected');
    if (failed) throw (failed as PromiseRejectedResult).reason;
    const lanes = Array.from(
      { length: wanted },
      (_, i) => new Map(profiles.map((p, j) => [p.name, opened[i * profiles.length + j]!])),
    );
    return { lanes, profiles, close };
  } catch (e) {
    await close();
    throw e;
  }
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/** One line per unexpected verdict, in case order. */
function unexpectedLines(
  client: string,
  profile: ProfileName,
  cases: readonly ClientCase[],
  results: Record<string, CaseResult>,
): string[] {
  return cases.flatMap((c) => {
    const r = results[c.id];
    // An expectation that did not happen is stale: the file needs updating.
    return r && !r.expected
      ? [
          `${client} ${profile} ${c.id}: ${r.verdict}, expected ${r.expectedVerdict}${r.expectationReason !== undefined ? ' (stale expectation)' : ''} — ${r.reason}`,
        ]
      : [];
  });
}

/** Unexpected verdicts of one client that share a cause, two or more: the summary says them once. */
function sharedCauses(
  client: string,
  profiles: readonly HarnessProfile[],
  cases: readonly ClientCase[],
  result: ClientResult,
): SharedCause[] {
  const groups = new Map<string, string[]>();
  for (const p of profiles) {
    const run = result.profiles[p.name];
    for (const c of cases) {
      const r = run?.cases[c.id];
      if (!r || r.expected || r.cause === undefined) continue;
      groups.set(r.cause, [...(groups.get(r.cause) ?? []), `${p.name} ${c.id}`]);
    }
  }
  return [...groups].filter(([, list]) => list.length >= 2).map(([cause, list]) => ({ client, cause, cases: list }));
}

/** "14 PASS, 3 INFO": the verdicts of a column, in a fixed order. */
function tally(results: Record<string, CaseResult>): string {
  const order: Verdict[] = ['PASS', 'FAIL', 'NON-STRICT', 'UNSUPPORTED', 'INFO'];
  const all = Object.values(results);
  return order
    .map((v) => [v, all.filter((r) => r.verdict === v).length] as const)
    .filter(([, n]) => n > 0)
    .map(([v, n]) => `${n} ${v}`)
    .join(', ');
}

export interface Run {
  /** The finished run. */
  readonly done: Promise<RunResult>;
  /** What has finished so far, as a result marked partial (for an interrupted run). */
  snapshot(signal: string): RunResult;
}

/**
 * Runs the cases for clients whose `--version` is known (a client without an executable or a
 * version is reported missing). Prints the plan once the columns are known, then a line per
 * client and profile as it finishes.
 */
export function startRun(clients: readonly ResolvedClient[], opts: RunOptions = {}): Run {
  const { cases = CLIENT_CASES, log = () => undefined } = opts;
  const runnable = clients.filter((c) => c.executable !== null && c.version !== null);
  /** client → profile → case id → result, as they are judged. */
  const live = new Map<string, Partial<Record<ProfileName, Record<string, CaseResult>>>>();
  let profiles: readonly HarnessProfile[] = opts.profiles ?? PROFILE_NAMES.map((n) => HARNESS_PROFILES[n]);

  const result = (partial?: string): RunResult => {
    const results: Record<string, ClientResult> = {};
    const unexpected: string[] = [];
    const causes: SharedCause[] = [];
    // The report in the order the clients were given, whatever lane ran them.
    for (const client of clients) {
      const runs = live.get(client.name);
      if (client.executable !== null && client.version !== null) {
        const done: ClientResult['profiles'] = {};
        for (const p of profiles) {
          const cr = runs?.[p.name];
          if (!cr) continue;
          done[p.name] = { cases: { ...cr } };
          unexpected.push(...unexpectedLines(client.name, p.name, cases, cr));
        }
        results[client.name] = { version: client.version, executable: client.executable, profiles: done };
        causes.push(...sharedCauses(client.name, profiles, cases, results[client.name]!));
      } else {
        results[client.name] = {
          version: null,
          executable: client.executable,
          missing: client.missing ?? `${client.name} is not installed (--version failed)`,
          profiles: {},
        };
      }
    }
    return {
      generated: new Date().toISOString(),
      profiles: profiles.map(describeProfile),
      cases: cases.map((c) => ({ id: c.id, level: c.level, title: c.title })),
      clients: results,
      unexpected,
      causes,
      ...(partial !== undefined ? { partial } : {}),
    };
  };

  const run = async (): Promise<RunResult> => {
    const missing = clients.filter((c) => !runnable.includes(c));
    if (runnable.length === 0) return result();
    const wanted = Math.max(1, Math.min(opts.jobs ?? DEFAULT_JOBS, runnable.length));
    const lanes = await openLanes(opts.profiles, opts, wanted);
    profiles = lanes.profiles;
    const columns = runnable.length * profiles.length;
    log(
      `plan: ${plural(runnable.length, 'client')} (${runnable.map((c) => c.name).join(', ')}) × ${plural(profiles.length, 'profile')} (${profiles.map((p) => p.name).join(', ')}) × ${plural(cases.length, 'case')} = ${plural(columns * cases.length, 'verdict')}, ${plural(lanes.lanes.length, 'lane')}`,
    );
    for (const c of missing) log(`${c.name}: missing, not run — ${c.missing ?? 'its --version failed'}`);
    let finished = 0;
    try {
      const queue = [...runnable];
      await Promise.all(
        lanes.lanes.map(async (lane) => {
          for (let next = queue.shift(); next; next = queue.shift()) {
            const client = next;
            const expectations = opts.expectations?.get(client.name) ?? new Map();
            const runs: Partial<Record<ProfileName, Record<string, CaseResult>>> = {};
            live.set(client.name, runs);
            // Settled, not all: a harness error on one profile waits for the other before the mocks close.
            const settled = await Promise.allSettled(
              [...lane.values()].map(async (h) => {
                const started = Date.now();
                const column: Record<string, CaseResult> = {};
                runs[h.profile.name] = column;
                await runProfile(
                  h,
                  client.executable!,
                  cases,
                  expectations,
                  (id, r) => (column[id] = r),
                  opts.timeoutMs ?? CASE_TIMEOUT_MS,
                );
                const good = Object.values(column).filter((r) => r.expected).length;
                finished += 1;
                log(
                  `[${finished}/${columns}] ${client.name} ${h.profile.name} (${client.version}): ${good}/${cases.length} as expected${good < cases.length ? `, ${cases.length - good} unexpected` : ''} — ${tally(column)} (${((Date.now() - started) / 1000).toFixed(1)} s)`,
                );
              }),
            );
            for (const s of settled) if (s.status === 'rejected') throw s.reason;
          }
        }),
      );
    } finally {
      await lanes.close();
    }
    return result();
  };

  return { done: run(), snapshot: (signal) => result(signal) };
}
