/** A scenario file's shape (fixtures/scenarios/scenario.schema.json; fixtures/scenarios/README.md). */
import type { FaultSpec } from '../faults/types.ts';
import type { OrgRole } from '../profiles/types.ts';

export interface CredentialSeed {
  readonly name: string;
  readonly role: OrgRole;
  readonly secondsToLive?: number;
}

/** `special-characters`: a key with `+ / =`, a password with `# / @ : %` (auth-bugs §B10). */
export type ScenarioSecretShape = 'special-characters';

export interface ScenarioInitial {
  readonly users?: readonly {
    readonly login: string;
    readonly role: OrgRole;
    readonly secretShape?: ScenarioSecretShape;
  }[];
  readonly keys?: readonly (CredentialSeed & { readonly secretShape?: ScenarioSecretShape })[];
  readonly tokens?: readonly CredentialSeed[];
  readonly clock?: { readonly now: string } | { readonly advanceSeconds: number };
  readonly settings?: {
    readonly basicAuthEnabled?: boolean;
    readonly keyMaxSecondsToLive?: number;
    /** The main HTTPS listener's certificate at start (`--cert-style`; auth-bugs §B14). */
    readonly certificate?: 'mock' | 'pmm';
  };
  readonly failedLogins?: readonly { readonly login: string; readonly count: number }[];
}

/** Which journal entries an expectation is about. */
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
  | { readonly check: 'credential-kind'; readonly kinds: readonly string[] }
  | { readonly check: 'request-count'; readonly min?: number; readonly max?: number; readonly match?: EntryMatch }
);

export interface Scenario {
  readonly id: string;
  readonly title: string;
  readonly symptom: string;
  readonly bug?: string;
  readonly product: { readonly profile: 'pmm2' | 'pmm3'; readonly grafanaVersion?: string };
  readonly sources: readonly string[];
  readonly seed?: string;
  readonly initial: ScenarioInitial;
  readonly faults: readonly FaultSpec[];
  readonly expect: readonly Expectation[];
  /** For pmm-auth-check scenarios (suites/client); the mock does not read it. */
  readonly client?: unknown;
  /** The README's commands for the symptom, checked by a test; the mock does not read them. */
  readonly reproduce?: unknown;
}
