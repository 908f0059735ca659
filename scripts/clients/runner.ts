/**
 * Runs the client cases for a set of clients against one in-process mock per profile (each
 * serving every certificate personality), and compares each verdict with the client's
 * expectation file. A client's profiles run side by side, each against its own mock.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { adapterVersion, runAdapter, type Outcome } from './adapter.ts';
import type { ClientSpec } from './builtins.ts';
import { CLIENT_CASES, type CaseContext, type ClientCase, type Verdict } from './cases.ts';
import { expectationFor, expectedVerdict, loadExpectations, type Expectations } from './expectations.ts';
import { startHarnessMock, type HarnessMock } from './harness-mock.ts';
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
  readonly profiles?: readonly HarnessProfile[];
  readonly log?: (line: string) => void;
  /** Where <client>.expect.json is read from (built-ins: fixtures/clients by default; custom clients: only when given). */
  readonly expectationsDir?: string;
}

/** The longest the runner waits, after a client gave no response, for the mock to record the TLS connection's end. */
const TLS_EVENT_WAIT_MS = 300;

/**
 * After a refusal the mock records the TLS event when it sees the connection end, which may be
 * just after the client exits. A response needs no wait: the journal entry is written before the
 * answer leaves the mock.
 */
async function settle(h: HarnessMock, since: number, outcome: Outcome): Promise<void> {
  if (outcome.kind === 'response') return;
  for (let waited = 0; waited < TLS_EVENT_WAIT_MS && h.mock.journal.listTls(since).length === 0; waited += 10) await sleep(10);
}

function contextFor(h: HarnessMock, executable: string, caseId: () => string): CaseContext {
  const { mock } = h;
  return {
    profile: h.profile,
    url: (p) => mock.personalities[p]?.url ?? mock.httpsUrl,
    caFile: mock.caFile,
    keys: h.keys,
    adminPassword: h.adminPassword,
    async run(env) {
      const since = mock.journal.lastSeq;
      const outcome = await runAdapter(executable, { CASE_ID: caseId(), METHOD: 'GET', ...env });
      await settle(h, since, outcome);
      return { outcome, requests: mock.journal.list(since), tls: mock.journal.listTls(since) };
    },
    roleOf: (key) => h.roleOf(key),
  };
}

/** Every case for one client against one profile's mock. */
async function runProfile(h: HarnessMock, executable: string, cases: readonly ClientCase[], expectations: Expectations): Promise<Record<string, CaseResult>> {
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

export async function runClients(clients: readonly ClientSpec[], opts: RunOptions = {}): Promise<RunResult> {
  const { cases = CLIENT_CASES, profiles = PROFILE_NAMES.map((n) => HARNESS_PROFILES[n]), log = () => undefined, expectationsDir } = opts;
  const started = await Promise.allSettled(profiles.map((p) => startHarnessMock(p)));
  const mocks = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  const results: Record<string, ClientResult> = {};
  const unexpected: string[] = [];
  try {
    const failed = started.find((s) => s.status === 'rejected');
    if (failed) throw (failed as PromiseRejectedResult).reason;
    for (const client of clients) {
      const version = client.executable ? await adapterVersion(client.executable) : null;
      if (!client.executable || version === null) {
        results[client.name] = { version: null, executable: client.executable, missing: client.missing ?? `${client.name} is not installed (--version failed)`, profiles: {} };
        log(`${client.name}: missing — ${results[client.name]!.missing}`);
        continue;
      }
      // Checked against every case, not only the selected ones: --cases must not make an entry "unknown".
      const expectations = client.builtin || expectationsDir ? loadExpectations(client.name, CLIENT_CASES, expectationsDir) : new Map();
      const executable = client.executable;
      // Settled, not all: a harness error on one profile waits for the other before the mocks close.
      const settled = await Promise.allSettled(mocks.map(async (h) => ({ h, cases: await runProfile(h, executable, cases, expectations) })));
      const perProfile = settled.map((s) => {
        if (s.status === 'rejected') throw s.reason;
        return s.value;
      });
      const runs: ClientResult['profiles'] = {};
      for (const { h, cases: caseResults } of perProfile) {
        runs[h.profile.name] = { cases: caseResults };
        for (const c of cases) {
          const r = caseResults[c.id]!;
          // An expectation that did not happen is stale: the file needs updating.
          if (!r.expected) unexpected.push(`${client.name} ${h.profile.name} ${c.id}: ${r.verdict}, expected ${r.expectedVerdict}${r.expectationReason !== undefined ? ' (stale expectation)' : ''} — ${r.reason}`);
        }
      }
      results[client.name] = { version, executable: client.executable, profiles: runs };
      const counts = perProfile.map(({ h, cases: cr }) => `${h.profile.name} ${Object.values(cr).filter((r) => r.expected).length}/${cases.length}`);
      log(`${client.name} (${version}): as expected ${counts.join(', ')}`);
    }
  } finally {
    await Promise.all(mocks.map((h) => h.mock.close()));
  }
  return {
    generated: new Date().toISOString(),
    profiles: profiles.map(describeProfile),
    cases: cases.map((c) => ({ id: c.id, level: c.level, title: c.title })),
    clients: results,
    unexpected,
  };
}
