/** What deviations.test.ts hands its nested run (nested.config.ts): one server suite project per deviating mock. */
export interface NestedPlan {
  /** Where case-reporter.ts writes the results. */
  readonly resultsFile: string;
  readonly projects: readonly {
    /** The deviation. */
    readonly name: string;
    /** Its areas' files in suites/server, without `.test.ts`. */
    readonly files: readonly string[];
    /** The areas' cases (what `-t` selects in a run of one project). */
    readonly testNamePattern: string;
    /** PMM_SERVER_URL & co. of the deviation's mock. */
    readonly env: Readonly<Record<string, string>>;
  }[];
}

/** The environment variable that carries the plan (JSON) to the nested vitest process. */
export const PLAN_ENV = 'PMMCONF_SELFCHECK_PLAN';

/** The environment variable that names a project's suite files to nested-entry.ts (JSON). */
export const FILES_ENV = 'PMMCONF_SELFCHECK_FILES';
