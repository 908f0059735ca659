/**
 * Runs the client cases for a set of clients and compares each verdict with the client's
 * expectation file. The mocks are black-box processes (suites/client/harness-mock.ts), each
 * serving every certificate personality, grouped in lanes (suites/client/lanes.ts): a lane holds
 * one mock per profile, and runs one client at a time, its profiles side by side
 * (suites/client/run-profile.ts). A journal cannot tell two concurrent clients apart, so clients
 * run in parallel only on different lanes.
 */
import { CASE_TIMEOUT_MS } from './adapter.ts';
import type { ClientSpec } from './builtins.ts';
import { CLIENT_CASES, type ClientCase } from './cases.ts';
import { loadExpectations, type Expectations } from './expectations.ts';
import type { ExternalMock } from './harness-connect.ts';
import { DEFAULT_JOBS, openLanes } from './lanes.ts';
import { describeProfile, HARNESS_PROFILES, PROFILE_NAMES, type HarnessProfile, type ProfileName } from './profiles.ts';
import { runProfile } from './run-profile.ts';
import type { CaseResult, ClientResult, RunResult, SharedCause } from './run-result.ts';
import { plural, sharedCauses, tally, unexpectedLines } from './run-summary.ts';

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
    const lanes = await openLanes(opts.profiles, opts.mocks, wanted);
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
