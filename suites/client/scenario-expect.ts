/**
 * Judges a scenario's expectations (fixtures/scenarios/README.md "Expectations") over the journal
 * of one client run: what a correct client does, machine-checked. Each check gives PASS or FAIL
 * with the reason, or `null` when the run never reached what the check is about (e.g. no 5xx was
 * answered, so retries after one cannot be judged). The vocabulary is closed: the schema's
 * `$defs/expectation` lists it, this file implements it.
 */
import type { CredentialKind, JournalEntry } from './journal.ts';

export interface EntryMatch {
  readonly status?: number | string;
  readonly failure?: string;
  readonly fault?: string;
  readonly path?: string;
}

export type Expectation = {
  readonly id: string;
  readonly level: 'MUST' | 'SHOULD' | 'MAY';
  readonly description: string;
  readonly source: string;
} & (
  | { readonly check: 'retry-bounded'; readonly after: EntryMatch; readonly maxRequests: number }
  | { readonly check: 'no-request-after'; readonly after: EntryMatch }
  | { readonly check: 'no-authorization-to'; readonly target: 'other-origin' | 'http' }
  | { readonly check: 'credential-kind'; readonly kinds: readonly CredentialKind[] }
  | { readonly check: 'request-count'; readonly min?: number; readonly max?: number; readonly match?: EntryMatch }
);

export interface Judgement {
  readonly id: string;
  readonly level: Expectation['level'];
  /** true: PASS, false: FAIL, null: not exercised by this run. */
  readonly pass: boolean | null;
  readonly reason: string;
  readonly source: string;
}

/** Whether an entry matches every field given (`status` may be a class, "5xx"). */
export function matches(e: JournalEntry, m: EntryMatch): boolean {
  if (typeof m.status === 'number' && e.status !== m.status) return false;
  if (typeof m.status === 'string' && String(Math.floor(e.status / 100)) !== m.status[0]) return false;
  if (m.failure !== undefined && e.failure !== m.failure) return false;
  if (m.fault !== undefined && !(e.fault ?? '').split(',').includes(m.fault)) return false;
  if (m.path !== undefined && !e.path.startsWith(m.path)) return false;
  return true;
}

const describeEntry = (e: JournalEntry): string => `#${e.seq} ${e.method} ${e.path} → ${e.status}`;

function judgeOne(x: Expectation, entries: readonly JournalEntry[]): { pass: boolean | null; reason: string } {
  switch (x.check) {
    case 'retry-bounded':
    case 'no-request-after': {
      const i = entries.findIndex((e) => matches(e, x.after));
      if (i < 0) return { pass: null, reason: `no answer matched ${JSON.stringify(x.after)}` };
      const first = entries[i]!;
      const later = entries.slice(i + 1);
      if (x.check === 'no-request-after')
        return later.length === 0
          ? { pass: true, reason: `no request after ${describeEntry(first)}` }
          : {
              pass: false,
              reason: `${later.length} request(s) after ${describeEntry(first)}, first ${describeEntry(later[0]!)}`,
            };
      const retries = later.filter((e) => e.method === first.method && e.path === first.path).length;
      return {
        pass: retries <= x.maxRequests,
        reason: `${retries} repeat(s) of ${first.method} ${first.path} after ${describeEntry(first)} (at most ${x.maxRequests})`,
      };
    }
    case 'no-authorization-to': {
      const origin = (e: JournalEntry): string => `${e.scheme}://${e.host ?? ''}`;
      const home = entries[0] ? origin(entries[0]) : '';
      const leaks = entries.filter(
        (e) => e.authorizations > 0 && (x.target === 'http' ? e.scheme === 'http' : origin(e) !== home),
      );
      if (entries.length === 0) return { pass: null, reason: 'no request' };
      return leaks.length === 0
        ? {
            pass: true,
            reason: `no Authorization sent to ${x.target === 'http' ? 'plain HTTP' : `an origin other than ${home}`}`,
          }
        : { pass: false, reason: `Authorization sent with ${describeEntry(leaks[0]!)} (${origin(leaks[0]!)})` };
    }
    case 'credential-kind': {
      const wrong = entries.find((e) => !x.kinds.includes(e.credential.kind));
      if (entries.length === 0) return { pass: null, reason: 'no request' };
      return wrong
        ? {
            pass: false,
            reason: `${describeEntry(wrong)} carried ${wrong.credential.kind}, expected ${x.kinds.join(' or ')}`,
          }
        : { pass: true, reason: `every request carried ${x.kinds.join(' or ')}` };
    }
    case 'request-count': {
      const n = entries.filter((e) => (x.match ? matches(e, x.match) : true)).length;
      const ok = (x.min === undefined || n >= x.min) && (x.max === undefined || n <= x.max);
      return { pass: ok, reason: `${n} matching request(s) (expected ${x.min ?? 0} to ${x.max ?? '∞'})` };
    }
  }
}

/** Every expectation of a scenario, judged over the journal entries of one run (oldest first). */
export function judge(expectations: readonly Expectation[], entries: readonly JournalEntry[]): Judgement[] {
  return expectations.map((x) => ({ id: x.id, level: x.level, source: x.source, ...judgeOne(x, entries) }));
}
