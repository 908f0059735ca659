/**
 * The client matrix in four forms (issue 5): report.json, report.md (client × case), report.html
 * (coloured like Autobahn|Testsuite's report) and junit.xml.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunResult } from './runner.ts';

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const md = (s: string): string => s.replaceAll('|', '\\|').replaceAll('\n', ' ');

export function reportJson(r: RunResult): string {
  const clients = Object.fromEntries(
    Object.entries(r.clients).map(([name, c]) => [
      name,
      {
        version: c.version,
        ...(c.missing ? { missing: c.missing } : {}),
        cases: Object.fromEntries(Object.entries(c.cases).map(([id, v]) => [id, { verdict: v.verdict, reason: v.reason, expected: v.expected, ...(v.expected ? {} : { expectedVerdict: v.expectedVerdict }) }])),
      },
    ]),
  );
  return `${JSON.stringify({ generated: r.generated, profile: r.profile, clients, unexpected: r.unexpected }, null, 2)}\n`;
}

export function reportMarkdown(r: RunResult): string {
  const names = Object.keys(r.clients);
  const lines = [
    `# Client conformance matrix (${r.profile})`,
    '',
    `Generated ${r.generated}. A verdict in *italics* differs from the client's expectation file.`,
    '',
    `| case | level | ${names.map((n) => `${n}<br>${r.clients[n]!.version ?? 'missing'}`).join(' | ')} |`,
    `|---|---|${names.map(() => '---').join('|')}|`,
    ...r.cases.map((c) => `| ${c.id} | ${c.level} | ${names.map((n) => {
      const v = r.clients[n]!.cases[c.id];
      return v ? (v.expected ? cellText(v) : `*${cellText(v)}*`) : '—';
    }).join(' | ')} |`),
    '',
    '## Reasons',
    '',
  ];
  for (const n of names) {
    const c = r.clients[n]!;
    lines.push(`### ${n} (${c.version ?? `missing: ${c.missing}`})`, '');
    for (const [id, v] of Object.entries(c.cases)) lines.push(`- **${id}** ${v.verdict}${v.expected ? '' : ` (expected ${v.expectedVerdict})`}: ${md(v.reason)}`);
    lines.push('');
  }
  if (r.unexpected.length) lines.push('## Unexpected verdicts', '', ...r.unexpected.map((u) => `- ${md(u)}`), '');
  return `${lines.join('\n')}\n`;
}

/** A cell: the verdict; for an observed case also what happened (its reason starts with it). */
function cellText(v: { verdict: string; reason: string }): string {
  return v.verdict === 'INFO' ? `INFO: ${v.reason.split(':', 1)[0]}` : v.verdict;
}

const COLOURS: Readonly<Record<string, string>> = { PASS: '#0a0', FAIL: '#c00', 'NON-STRICT': '#e90', UNSUPPORTED: '#888', INFO: '#39f' };

export function reportHtml(r: RunResult): string {
  const names = Object.keys(r.clients);
  const head = names.map((n) => `<th>${esc(n)}<br><small>${esc(r.clients[n]!.version ?? `missing: ${r.clients[n]!.missing ?? ''}`)}</small></th>`).join('');
  const rows = r.cases
    .map((c) => {
      const cells = names
        .map((n) => {
          const v = r.clients[n]!.cases[c.id];
          if (!v) return '<td class="none">—</td>';
          const mark = v.expected ? '' : ' unexpected';
          return `<td class="v${mark}" style="background:${COLOURS[v.verdict]}" title="${esc(v.reason)}">${esc(cellText(v))}${v.expected ? '' : ` ≠ ${esc(v.expectedVerdict)}`}</td>`;
        })
        .join('');
      return `<tr><th class="case">${esc(c.id)}<br><small>${esc(c.level)} — ${esc(c.title)}</small></th>${cells}</tr>`;
    })
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>pmm-auth-conformance: client matrix</title>
<style>
body{font-family:sans-serif;margin:1.5em} table{border-collapse:collapse} th,td{border:1px solid #ccc;padding:.35em .6em}
td.v{color:#fff;font-weight:bold;text-align:center} td.unexpected{outline:3px solid #000} th.case{text-align:left;font-weight:normal}
.legend span{display:inline-block;color:#fff;padding:.2em .5em;margin-right:.4em}
</style></head><body>
<h1>Client conformance matrix (${esc(r.profile)})</h1>
<p>Generated ${esc(r.generated)}. Hover a cell for the reason; a black frame marks a verdict that differs from the client's expectation file.</p>
<p class="legend">${Object.entries(COLOURS).map(([v, c]) => `<span style="background:${c}">${v}</span>`).join('')}</p>
<table id="matrix"><tr><th>case</th>${head}</tr>
${rows}
</table>
</body></html>
`;
}

export function reportJunit(r: RunResult): string {
  const suites = Object.entries(r.clients).map(([name, c]) => {
    const cases = Object.entries(c.cases).map(([id, v]) => {
      const body = v.expected ? (v.verdict === 'UNSUPPORTED' ? `<skipped message="${esc(v.reason)}"/>` : '') : `<failure message="${esc(`${v.verdict}, expected ${v.expectedVerdict}`)}">${esc(v.reason)}</failure>`;
      return `    <testcase classname="${esc(name)}" name="${esc(`${id} [${v.verdict}]`)}">${body}</testcase>`;
    });
    const failures = Object.values(c.cases).filter((v) => !v.expected).length;
    return `  <testsuite name="${esc(name)} ${esc(c.version ?? 'missing')}" tests="${cases.length}" failures="${failures}">\n${cases.join('\n')}\n  </testsuite>`;
  });
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="pmm-auth-check clients">\n${suites.join('\n')}\n</testsuites>\n`;
}

export function writeReports(dir: string, r: RunResult): string[] {
  mkdirSync(dir, { recursive: true });
  const files: [string, string][] = [
    ['report.json', reportJson(r)],
    ['report.md', reportMarkdown(r)],
    ['report.html', reportHtml(r)],
    ['junit.xml', reportJunit(r)],
  ];
  for (const [name, text] of files) writeFileSync(join(dir, name), text);
  return files.map(([name]) => join(dir, name));
}
