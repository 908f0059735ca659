/**
 * Writes the conformance summary of the server suite: reports/server-summary.md, one section per
 * server project (one target each: the pmm2 mock, the pmm3 mocks, or PMM_SERVER_URL) with its
 * MUST/SHOULD/OBSERVED counts and one row per case (id, level, verdict, reference, source, note),
 * and prints each project's counts.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Reporter, TestModule } from 'vitest/node';
import type { Target } from './target.ts';

export const SUMMARY_FILE = 'reports/server-summary.md';

interface Section {
  /** The target the project ran against, from its provided context. */
  readonly target: string;
  readonly rows: string[];
  readonly counts: Record<string, Record<string, number>>;
}

function describeTarget(t: Target | undefined): string {
  if (!t) return 'unknown';
  return `${t.baseUrl} (${t.kind}${t.embedded ? ', embedded' : ''}; ${t.profile} ${t.version ?? '?'}, Grafana ${t.grafanaVersion ?? '?'}; run ${t.runId})`;
}

const cell = (s: string): string => s.replaceAll('|', '\\|').replaceAll('\n', ' ');

export default class MarkdownReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    const sections = new Map<string, Section>();
    for (const mod of testModules) {
      for (const test of mod.children.allTests()) {
        const meta = test.meta().pmmCase;
        if (!meta) continue;
        const project = test.project.name || '(default)';
        let section = sections.get(project);
        if (!section)
          sections.set(
            project,
            (section = { target: describeTarget(test.project.getProvidedContext().target), rows: [], counts: {} }),
          );
        const r = test.result();
        const note = r.state === 'skipped' ? (r.note ?? '') : (meta.informational ?? '');
        const verdict =
          r.state === 'passed'
            ? meta.informational
              ? 'deviates (informational)'
              : 'pass'
            : r.state === 'failed'
              ? 'FAIL'
              : 'skipped';
        (section.counts[meta.level] ??= {})[verdict] = (section.counts[meta.level]?.[verdict] ?? 0) + 1;
        const title = test.name.slice(meta.id.length + 1);
        section.rows.push(
          `| ${meta.id} | ${meta.level} | ${verdict} | ${cell(title)} | ${meta.ref} | ${cell(meta.source)} | ${cell(note)} |`,
        );
      }
    }
    if (sections.size === 0) return;
    const tallyOf = (s: Section): string =>
      Object.entries(s.counts)
        .map(
          ([level, c]) =>
            `${level}: ${Object.entries(c)
              .map(([v, n]) => `${n} ${v}`)
              .join(', ')}`,
        )
        .join('; ');
    const names = [...sections.keys()].sort();
    const md = [
      '# Server conformance summary',
      '',
      ...names.map((n) => `- \`${n}\`: ${tallyOf(sections.get(n)!)}`),
      '',
    ];
    for (const name of names) {
      const s = sections.get(name)!;
      md.push(
        `## Project \`${name}\``,
        '',
        `Target: ${s.target}`,
        '',
        tallyOf(s),
        '',
        '| id | level | verdict | sends → expects | reference | source | note |',
        '|---|---|---|---|---|---|---|',
        ...s.rows.sort(),
        '',
      );
    }
    mkdirSync(dirname(SUMMARY_FILE), { recursive: true });
    writeFileSync(SUMMARY_FILE, md.join('\n'));
    for (const name of names) process.stdout.write(`\nserver suite [${name}]: ${tallyOf(sections.get(name)!)}`);
    process.stdout.write(` (${SUMMARY_FILE})\n`);
  }
}
