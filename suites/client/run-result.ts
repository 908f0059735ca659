/**
 * What a run of the client harness gives: a result per client, profile and case, the unexpected
 * verdicts and their shared causes. The client matrix (suites/client/runner.ts) and
 * `pmm-auth-check scenarios` (suites/client/scenario-run.ts) give it; the reports render it.
 */
import type { Verdict } from './cases.ts';
import type { describeProfile, ProfileName } from './profiles.ts';

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
