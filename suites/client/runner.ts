/**
 * Runs the client cases for a set of clients and compares each verdict with the client's
 * expectation file. The mocks are black-box processes (suites/client/harness-mock.ts), each
 * serving every certificate personality, grouped in lanes: a lane holds one mock per profile, and
 * runs one client at a time, its profiles side by side. A journal cannot tell two concurrent
 * clients apart, so clients run in parallel only on different lanes.
 */
import { availableParallelism } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { adapterVersion, runAdapter, type Outcome } from './adapter.ts';
import type { ClientSpec } from './builtins.ts';
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
}

export interface ClientResult {
  readonly version: string | null;
  readonly executable: string | null;
  readonly missing?: string;
  /** Per profile that ran: case id → result. */
  readonly profiles: Partial<Record<ProfileName, { readonly cases: Record<string, CaseResult> }>>;
}

export interface RunResult {
  readonly generated: string;
  readonly profiles: readonly ReturnType<typeof describeProfile>[];
  readonly cases: readonly { id: string; level: string; title: string }[];
  readonly clients: Record<string, ClientResult>;
  /** Unexpected verdicts, one line each ("<client> <profile> <case>: …"): what makes the run fail. */
  readonly unexpected: readonly string[];
}

export interface RunOptions {
  readonly cases?: readonly ClientCase[];
  /** The columns (default: both, or the given mocks' profiles). */
  readonly profiles?: readonly HarnessProfile[];
  readonly log?: (line: string) => void;
  /** Where <client>.expect.json is read from (built-ins: fixtures/clients by default; custom clients: only when given). */
  readonly expectationsDir?: string;
  /** Mocks started separately (`--mock-url`), instead of mocks the harness starts; their profiles decide the columns. */
  readonly mocks?: readonly ExternalMock[];
  /** How many lanes of mocks the harness starts (default DEFAULT_JOBS, never more than there are clients). */
  readonly jobs?: number;
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

function contextFor(h: HarnessMock, executable: string, caseId: () => string): CaseContext {
  return {
    profile: h.profile,
    url: (p) => h.url(p),
    caFile: h.caFile,
    keys: h.keys,
    adminPassword: h.adminPassword,
    async run(env) {
      const since = await h.mark();
      const outcome = await runAdapter(executable, { CASE_ID: caseId(), METHOD: 'GET', ...env });
      await settle(h, since, outcome);
      const [requests, tls] = await Promise.all([h.requestsSince(since), h.tlsSince(since)]);
      return { outcome, requests, tls };
    },
    roleOf: (key) => h.roleOf(key),
  };
}

/** Every case for one client against one profile's mock. */
async function runProfile(
  h: HarnessMock,
  executable: string,
  cases: readonly ClientCase[],
  expectations: Expectations,
): Promise<Record<string, CaseResult>> {
  let current = '';
  const ctx = contextFor(h, executable, () => current);
  const results: Record<string, CaseResult> = {};
  for (const c of cases) {
    current = c.id;
    const judged = await c.judge(ctx);
    const exp = expectationFor(expectations, h.profile.name, c.id);
    const want = expectedVerdict(c, exp);
    const expected = judged.verdict === want;
    results[c.id] = { ...judged, expected, expectedVerdict: want, ...(exp ? { expectationReason: exp.reason } : {}) };
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

interface Prepared {
  readonly client: ClientSpec;
  readonly version: string | null;
  readonly expectations: Expectations;
}

export async function runClients(clients: readonly ClientSpec[], opts: RunOptions = {}): Promise<RunResult> {
  const { cases = CLIENT_CASES, log = () => undefined, expectationsDir } = opts;
  // Expectation files first: a broken one is a usage error, before any mock starts.
  const prepared: Prepared[] = await Promise.all(
    clients.map(async (client) => ({
      client,
      // Checked against every case, not only the selected ones: --cases must not make an entry "unknown".
      expectations:
        client.builtin || expectationsDir ? loadExpectations(client.name, CLIENT_CASES, expectationsDir) : new Map(),
      version: client.executable ? await adapterVersion(client.executable) : null,
    })),
  );
  const runnable = prepared.filter((p) => p.client.executable && p.version !== null);
  const results: Record<string, ClientResult> = {};
  const unexpected: string[] = [];
  const done = new Map<string, { version: string; runs: ClientResult['profiles']; unexpected: string[] }>();
  const wanted = Math.max(1, Math.min(opts.jobs ?? DEFAULT_JOBS, runnable.length));
  const { lanes, profiles, close } =
    runnable.length > 0
      ? await openLanes(opts.profiles, opts, wanted)
      : {
          lanes: [],
          profiles: opts.profiles ?? PROFILE_NAMES.map((n) => HARNESS_PROFILES[n]),
          close: async () => undefined,
        };
  try {
    const queue = [...runnable];
    await Promise.all(
      lanes.map(async (lane) => {
        for (let next = queue.shift(); next; next = queue.shift()) {
          const { client, version, expectations } = next;
          const executable = client.executable!;
          // Settled, not all: a harness error on one profile waits for the other before the mocks close.
          const settled = await Promise.allSettled(
            [...lane.values()].map(async (h) => ({ h, cases: await runProfile(h, executable, cases, expectations) })),
          );
          const perProfile = settled.map((s) => {
            if (s.status === 'rejected') throw s.reason;
            return s.value;
          });
          const runs: ClientResult['profiles'] = {};
          const lines: string[] = [];
          for (const { h, cases: caseResults } of perProfile) {
            runs[h.profile.name] = { cases: caseResults };
            for (const c of cases) {
              const r = caseResults[c.id]!;
              // An expectation that did not happen is stale: the file needs updating.
              if (!r.expected)
                lines.push(
                  `${client.name} ${h.profile.name} ${c.id}: ${r.verdict}, expected ${r.expectedVerdict}${r.expectationReason !== undefined ? ' (stale expectation)' : ''} — ${r.reason}`,
                );
            }
          }
          done.set(client.name, { version: version!, runs, unexpected: lines });
          const counts = perProfile.map(
            ({ h, cases: cr }) =>
              `${h.profile.name} ${Object.values(cr).filter((r) => r.expected).length}/${cases.length}`,
          );
          log(`${client.name} (${version}): as expected ${counts.join(', ')}`);
        }
      }),
    );
  } finally {
    await close();
  }
  // The report in the order the clients were given, whatever lane ran them.
  for (const { client } of prepared) {
    const ran = done.get(client.name);
    if (ran) {
      results[client.name] = { version: ran.version, executable: client.executable, profiles: ran.runs };
      unexpected.push(...ran.unexpected);
    } else {
      results[client.name] = {
        version: null,
        executable: client.executable,
        missing: client.missing ?? `${client.name} is not installed (--version failed)`,
        profiles: {},
      };
      log(`${client.name}: missing — ${results[client.name]!.missing}`);
    }
  }
  return {
    generated: new Date().toISOString(),
    profiles: profiles.map(describeProfile),
    cases: cases.map((c) => ({ id: c.id, level: c.level, title: c.title })),
    clients: results,
    unexpected,
  };
}
