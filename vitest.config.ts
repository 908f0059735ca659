import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

// One project per kind of test:
// - `mock`: unit and integration tests of the mock itself (they start the real HTTPS server).
// - `server`: the black-box server conformance suite (suites/server), against the embedded mock
//   or the PMM named by PMM_SERVER_URL. It never imports mock/.
// - `client`: the client harness — built-in client adapters and careless clients (pmm-auth-check).
// - `selfcheck`: runs the server suite against deliberately wrong mocks and checks it fails.
// - `server-pmm3`, `server-pmm3-g11.3`: the server suite against the pmm3 mock (Grafana 11.1.8 / 11.3).
// Reports (JUnit XML, JSON, Markdown summary) go to reports/.

/**
 * Projects whose files start first within a group: the longest single files (the self-check's
 * nested suite run, the client matrix). vitest orders projects by name and, without the timings
 * of an earlier run (a fresh clone), would start the self-check last, alone, at the end.
 */
const STARTS_FIRST = ['selfcheck', 'client'];

class LongestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const rank = (f: TestSpecification): number => {
      const i = STARTS_FIRST.indexOf(f.project.name);
      return i < 0 ? STARTS_FIRST.length : i;
    };
    // Stable: vitest's order (failed first, then longest first) holds within a project.
    return (await super.sort(files)).sort(
      (a, b) => a.project.config.sequence.groupOrder - b.project.config.sequence.groupOrder || rank(a) - rank(b),
    );
  }
}

/** The server suite's settings, shared by its projects (one per target) and the self-check's nested run. */
export const SERVER_SUITE = {
  include: ['suites/server/**/*.test.ts'],
  globalSetup: ['suites/_support/global-setup.ts'],
  setupFiles: ['suites/_support/setup.ts'],
  // One file at a time: cases share one target (its clock, its rate limits).
  fileParallelism: false,
  // All files of a project in one worker thread, one after the other (vitest hands a non-isolated
  // single-worker project all its files at once): no process start per file. The files share no
  // state but what they clean up themselves (setup.ts runs around each file).
  isolate: false,
  pool: 'threads' as const,
  // One worker for these projects and more for the others: vitest runs them as a separate group,
  // after the others (maxWorkers must be equal within a group).
  sequence: { groupOrder: 1 },
  testTimeout: 30_000,
  hookTimeout: 60_000,
};

export default defineConfig({
  test: {
    reporters: ['default', 'junit', 'json', './suites/_support/markdown-reporter.ts', './scripts/summary-reporter.ts'],
    // Overridable from the command line, e.g. --outputFile.json=other.json (the self-check does).
    outputFile: { junit: 'reports/junit.xml', json: 'reports/results.json' },
    // Test files at once: one per core (vitest's default is one less: a single worker on 2 cores).
    // The files' processes (mocks, clients, nested runs) keep the cores busy; one file more than
    // the cores measured slower here (more CPU lost to contention than gained from overlap).
    maxWorkers: availableParallelism(),
    sequence: { sequencer: LongestFirst },
    projects: [
      {
        test: {
          name: 'mock',
          include: ['mock/**/*.test.ts', 'scripts/**/*.test.ts', 'suites/_support/**/*.test.ts'],
          environment: 'node',
          // Worker threads reused from file to file: the files share no module state (each
          // builds its own mock, store and clock).
          isolate: false,
          pool: 'threads',
          testTimeout: 20_000,
          hookTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'server',
          ...SERVER_SUITE,
        },
      },
      // The same suite against the pmm3 mock (Grafana 11.1.8) and against a pmm3 mock that reports
      // Grafana 11.3 (POST /api/auth/keys → 410). These projects pin their mock: PMM_SERVER_URL
      // names the target of `server` only.
      {
        test: {
          name: 'server-pmm3',
          ...SERVER_SUITE,
          env: { PMMCONF_MOCK_ARGS: '--profile pmm3' },
        },
      },
      {
        test: {
          name: 'server-pmm3-g11.3',
          ...SERVER_SUITE,
          env: { PMMCONF_MOCK_ARGS: '--profile pmm3 --grafana-version 11.3' },
        },
      },
      {
        test: {
          name: 'client',
          include: ['suites/client/**/*.test.ts'],
          // Worker threads reused from file to file (as the mock project): the files start processes
          // and share no module state.
          isolate: false,
          pool: 'threads',
          testTimeout: 120_000,
          hookTimeout: 900_000,
        },
      },
      {
        test: {
          name: 'selfcheck',
          include: ['suites/selfcheck/**/*.test.ts'],
          // The mocks and the nested suite run (every deviation at once) are one beforeAll.
          hookTimeout: 180_000,
        },
      },
    ],
  },
});
