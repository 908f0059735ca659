/**
 * One client's cases against one profile's mock: each case runs the client's adapter in a case
 * context over the mock, reads what the mock saw, and is judged against the client's expectation
 * (suites/client/runner.ts runs this per client and profile, its lanes side by side).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { runAdapter, type Outcome } from './adapter.ts';
import { causeOf, type Observed } from './case-kit.ts';
import type { CaseContext, ClientCase } from './cases.ts';
import { expectationFor, expectedVerdict, type Expectations } from './expectations.ts';
import type { HarnessMock } from './harness-mock.ts';
import type { CaseResult } from './run-result.ts';

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
export async function runProfile(
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
