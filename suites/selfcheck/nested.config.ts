/**
 * vitest config of the self-check's nested run (deviations.test.ts makes its plan): one server
 * suite project per deviating mock, each with its own target (test.env, read by global-setup.ts),
 * its areas' files and its areas' cases, with the server projects' settings. One vitest process
 * for all of them: a vitest start costs more CPU than the cases of a deviation.
 */
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import { SERVER_SUITE } from '../../vitest.config.ts';
import { FILES_ENV, PLAN_ENV, type NestedPlan } from './plan.ts';

const raw = process.env[PLAN_ENV];
if (!raw) throw new Error(`${PLAN_ENV} must carry the self-check's plan (JSON): run deviations.test.ts`);
const plan = JSON.parse(raw) as NestedPlan;
// Each project's globalSetup listens for SIGINT and SIGTERM (to clean up its target): more than
// Node's default 10 listeners, which it would warn about on stderr, the self-check's diagnostics.
process.setMaxListeners(10 + plan.projects.length);

export default defineConfig({
  test: {
    root: fileURLToPath(new URL('../../', import.meta.url)),
    reporters: [[fileURLToPath(new URL('./case-reporter.ts', import.meta.url)), { outputFile: plan.resultsFile }]],
    // Projects at once: the cases mostly wait on the mocks (and some poll for 5 s).
    maxWorkers: availableParallelism() + 1,
    projects: plan.projects.map((p) => ({
      test: {
        ...SERVER_SUITE,
        name: p.name,
        // One file (the entry imports the areas' files), so its cases run one at a time against
        // the mock without fileParallelism: false, which would run the projects one at a time too.
        include: ['suites/selfcheck/nested-entry.ts'],
        fileParallelism: true,
        env: { ...p.env, [FILES_ENV]: JSON.stringify(p.files) },
        // vitest 4 applies a project's own testNamePattern to its files (its type lists it as a
        // root option only); deviations.test.ts checks that no case outside the areas ran.
        testNamePattern: p.testNamePattern,
      },
    })),
  },
});
