/**
 * How the client matrix sums up its verdicts: a line per unexpected verdict, the unexpected
 * verdicts that share a cause, and a column's tally for the progress lines.
 */
import type { ClientCase, Verdict } from './cases.ts';
import type { HarnessProfile, ProfileName } from './profiles.ts';
import type { CaseResult, ClientResult, SharedCause } from './run-result.ts';

export const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/** One line per unexpected verdict, in case order. */
export function unexpectedLines(
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
export function sharedCauses(
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
export function tally(results: Record<string, CaseResult>): string {
  const order: Verdict[] = ['PASS', 'FAIL', 'NON-STRICT', 'UNSUPPORTED', 'INFO'];
  const all = Object.values(results);
  return order
    .map((v) => [v, all.filter((r) => r.verdict === v).length] as const)
    .filter(([, n]) => n > 0)
    .map(([v, n]) => `${n} ${v}`)
    .join(', ');
}
