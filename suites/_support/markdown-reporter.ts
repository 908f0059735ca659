/**
 * Writes the conformance summary of the server suite: reports/server-summary.md (one row per case:
 * id, level, verdict, reference, source) and prints the MUST/SHOULD/OBSERVED counts.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Reporter, TestModule } from 'vitest/node';

export const SUMMARY_FILE = 'reports/server-summary.md';

export default class MarkdownReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    const rows: string[] = [];
    const counts: Record<string, Record<string, number>> = {};
    for (const mod of testModules) {
      for (const test of mod.children.allTests()) {
        const meta = test.meta().pmmCase;
        if (!meta) continue;
        const r = test.result();
        const note = r.state === 'skipped' ? (r.note ?? '') : (meta.informational ?? '');
        const verdict = r.state === 'passed' ? (meta.informational ? 'deviates (informational)' : 'pass') : r.state === 'failed' ? 'FAIL' : 'skipped';
        (counts[meta.level] ??= {})[verdict] = (counts[meta.level]?.[verdict] ?? 0) + 1;
        const title = test.name.slice(meta.id.length + 1).replaceAll('|', '\\|');
        rows.push(`| ${meta.id} | ${meta.level} | ${verdict} | ${title} | ${meta.ref} | ${meta.source.replaceAll('|', '\\|')} | ${note.replaceAll('|', '\\|').replaceAll('\n', ' ')} |`);
      }
    }
    if (rows.length === 0) return;
    rows.sort();
    const tally = Object.entries(counts)
      .map(([level, c]) => `${level}: ${Object.entries(c).map(([v, n]) => `${n} ${v}`).join(', ')}`)
      .join('; ');
    const md = [
      '# Server conformance summary',
      '',
      tally,
      '',
      '| id | level | verdict | sends → expects | reference | source | note |',
      '|---|---|---|---|---|---|---|',
      ...rows,
      '',
    ].join('\n');
    mkdirSync(dirname(SUMMARY_FILE), { recursive: true });
    writeFileSync(SUMMARY_FILE, md);
    process.stdout.write(`\nserver suite: ${tally} (${SUMMARY_FILE})\n`);
  }
}
