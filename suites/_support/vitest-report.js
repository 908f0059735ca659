// The counts of a vitest JSON report (--reporter=json), read the same way by `npm test`
// (scripts/test.js) and the server suite's entry point (suites/_support/suite-outcome.ts): a file that
// failed outside its tests (a hook, an import) counts as one failed test, as
// scripts/summary-reporter.ts counts it.

/** @param {any} r a parsed vitest JSON report */
export function reportCounts(r) {
  const broken = r.testResults.filter(
    (f) => f.status === 'failed' && !f.assertionResults.some((a) => a.status === 'failed'),
  ).length;
  return {
    total: r.numTotalTests + broken,
    passed: r.numPassedTests,
    failed: r.numFailedTests + broken,
    skipped: r.numPendingTests + r.numTodoTests,
  };
}
