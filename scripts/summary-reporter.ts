/**
 * A vitest reporter that ends the run with one line per project — its wall time (first file
 * started to last file ended) and the sum of its files' times — and then one plain line,
 * `vitest: N passed, N failed, N skipped`, which CI logs and humans read without parsing vitest's
 * own summary. The counts line stays last; before it, when tests were skipped for want of an
 * optional tool (suites/client/installed.ts), one line naming the tools and how to install them.
 */
import type { Reporter, TestModule } from 'vitest/node';
import { missingToolsLine } from './lib/missing-tools.js';

interface ProjectTime {
  files: number;
  firstStart: number;
  lastEnd: number;
  /** Per file: import, setup and every test and hook (vitest's module diagnostic). */
  summed: number;
}

const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

export default class SummaryReporter implements Reporter {
  private readonly started = new Map<string, number>();
  private readonly projects = new Map<string, ProjectTime>();
  private runStart = 0;

  onTestRunStart(): void {
    this.runStart = performance.now();
    this.started.clear();
    this.projects.clear();
  }

  onTestModuleQueued(mod: TestModule): void {
    this.started.set(mod.id, performance.now());
  }

  onTestModuleEnd(mod: TestModule): void {
    const end = performance.now();
    const start = this.started.get(mod.id) ?? end;
    const name = mod.project.name || '(root)';
    const p = this.projects.get(name) ?? { files: 0, firstStart: start, lastEnd: end, summed: 0 };
    const d = mod.diagnostic();
    p.files++;
    p.firstStart = Math.min(p.firstStart, start);
    p.lastEnd = Math.max(p.lastEnd, end);
    p.summed += d.prepareDuration + d.environmentSetupDuration + d.setupDuration + d.collectDuration + d.duration;
    this.projects.set(name, p);
  }

  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    const counts = { passed: 0, failed: 0, skipped: 0 };
    const missing = [];
    for (const mod of testModules) {
      for (const test of mod.children.allTests()) {
        missing.push(test.meta().missingTool);
        const state = test.result().state;
        if (state === 'passed') counts.passed++;
        else if (state === 'failed') counts.failed++;
        else counts.skipped++;
      }
      // A file that failed to load counts as a failure even with no test in it.
      if (mod.state() === 'failed' && ![...mod.children.allTests()].some((t) => t.result().state === 'failed'))
        counts.failed++;
    }
    const lines = [...this.projects.entries()]
      .sort(([, a], [, b]) => a.firstStart - b.firstStart)
      .map(
        ([name, p]) =>
          `vitest project ${name}: ${p.files} file${p.files === 1 ? '' : 's'}, ${seconds(p.lastEnd - p.firstStart)} wall (from ${seconds(p.firstStart - this.runStart)} to ${seconds(p.lastEnd - this.runStart)}), ${seconds(p.summed)} summed over files`,
      );
    const tools = missingToolsLine(missing);
    // Under `npm test` (scripts/test.js), that line ends the whole run instead, once.
    if (tools && process.env.PMMCONF_SUMMARY_BY_NPM_TEST !== '1') lines.push(tools);
    process.stdout.write(
      `\n${lines.map((l) => `${l}\n`).join('')}vitest: ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped\n`,
    );
  }
}
