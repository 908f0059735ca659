/**
 * Reporter of the self-check's nested run: writes every case's project (the deviation it ran
 * against), id and state to one JSON file, since vitest's JSON report does not name projects.
 */
import { writeFileSync } from 'node:fs';
import type { Reporter, SerializedError, TestModule, TestRunEndReason } from 'vitest/node';

export interface CaseResult {
  readonly project: string;
  /** `srv.<area>.<nnn>`: a case's title starts with its id (case.ts). */
  readonly id: string;
  readonly state: 'passed' | 'failed' | 'skipped' | 'pending';
  /** A failed case's assertion messages and diffs, as a report would show them. */
  readonly messages: readonly string[];
}

export interface NestedResults {
  readonly reason: TestRunEndReason;
  readonly cases: readonly CaseResult[];
  /** Errors outside the cases (a file that failed to load, a hook, an unhandled rejection). */
  readonly errors: readonly string[];
}

export default class CaseReporter implements Reporter {
  constructor(private readonly options: { readonly outputFile: string }) {}

  onTestRunEnd(
    testModules: ReadonlyArray<TestModule>,
    unhandledErrors: ReadonlyArray<SerializedError>,
    reason: TestRunEndReason,
  ): void {
    const results: NestedResults = {
      reason,
      cases: testModules.flatMap((mod) =>
        [...mod.children.allTests()].map((test) => ({
          project: test.project.name,
          id: test.name.split(' ', 1)[0]!,
          state: test.result().state,
          messages: (test.result().errors ?? []).map((e) => `${e.message}\n${e.diff ?? ''}`),
        })),
      ),
      errors: [
        ...testModules.flatMap((mod) => mod.errors().map((e) => `${mod.project.name} ${mod.moduleId}: ${e.message}`)),
        ...unhandledErrors.map((e) => e.message),
      ],
    };
    writeFileSync(this.options.outputFile, JSON.stringify(results));
  }
}
