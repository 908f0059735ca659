/**
 * The client matrix in four forms (issues 5 and 6): report.json, report.md (case × client and
 * profile), report.html (coloured like Autobahn|Testsuite's report) and junit.xml. Every form has
 * one column per client and profile (PMM 2, PMM 3).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ProfileName } from './profiles.ts';
import type { CaseResult, RunResult } from './run-result.ts';

const esc = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const md = (s: string): string => s.replaceAll('|', '\\|').replaceAll('\n', ' ');

/** report.json describes its own shape. */
const ABOUT = {
  format: 'pmm-auth-check clients report, format 2: one result per client and profile',
  profiles:
    'the profiles that ran, in column order: name (pmm2 | pmm3), title, the server it mocks, the key kind the cases send, the Basic user name of https://USER:KEY@host, the version path, how an admin creates a key',
  cases: 'every case that ran: id, level (MUST | SHOULD | OBSERVED), title',
  clients:
    'client → { version: its --version line (null when missing), missing?: why it could not run, profiles: profile name → { cases: case id → { verdict, reason, expected, expectedVerdict (only when expected is false) } } }',
  verdicts:
    'PASS; FAIL; NON-STRICT (a SHOULD not met); UNSUPPORTED (the client cannot express the case); INFO (an OBSERVED case: what happened)',
  unexpected:
    'verdicts that differ from the expectation files, one line each: "<client> <profile> <case id>: <verdict>, expected <verdict> — <reason>"; any makes the run exit 1',
  causes:
    'unexpected verdicts of one client that share one cause (what the client did and what the mock saw), two or more: [{ client, cause, cases: ["<profile> <case id>", …] }]',
  partial:
    'true when the run was interrupted (then "interrupted" names the signal): the results are the cases finished by then, the others are absent',
};

/** What the reports call the run: the client matrix, or the scenario runs (`pmm-auth-check scenarios`, one row per scenario). */
const titleOf = (r: RunResult): { heading: string; command: string } =>
  r.command === 'scenarios'
    ? { heading: 'Client bug-reproduction scenarios', command: 'pmm-auth-check scenarios' }
    : { heading: 'Client conformance matrix', command: 'pmm-auth-check clients' };

/** For a scenario run: the cases are scenarios (fixtures/scenarios/), each in its product's column. */
const SCENARIO_ABOUT = {
  format: 'pmm-auth-check scenarios report, format 2: one result per client and scenario, under its product profile',
  cases:
    'every scenario that ran: id, level (the strongest level its expectations judge: MUST | SHOULD | MAY, INFO when none), title',
  verdicts:
    'PASS (every judged expectation met); FAIL (a MUST expectation failed, or the client did not stop within the timeout); NON-STRICT (a SHOULD or MAY expectation failed); UNSUPPORTED (the client cannot express the request); INFO (not judged: the condition never happened, or the scenario judges no client behaviour); each reason ends with the source link',
};

export function reportJson(r: RunResult): string {
  const clients = Object.fromEntries(
    Object.entries(r.clients).map(([name, c]) => [
      name,
      {
        version: c.version,
        ...(c.missing ? { missing: c.missing } : {}),
        profiles: Object.fromEntries(
          Object.entries(c.profiles).map(([p, run]) => [
            p,
            {
              cases: Object.fromEntries(
                Object.entries(run.cases).map(([id, v]) => [
                  id,
                  {
                    verdict: v.verdict,
                    reason: v.reason,
                    expected: v.expected,
                    ...(v.expected ? {} : { expectedVerdict: v.expectedVerdict }),
                  },
                ]),
              ),
            },
          ]),
        ),
      },
    ]),
  );
  return `${JSON.stringify(
    {
      about: r.command === 'scenarios' ? { ...ABOUT, ...SCENARIO_ABOUT } : ABOUT,
      generated: r.generated,
      partial: r.partial !== undefined,
      ...(r.partial !== undefined ? { interrupted: r.partial } : {}),
      profiles: r.profiles,
      cases: r.cases,
      clients,
      unexpected: r.unexpected,
      causes: r.causes,
    },
    null,
    2,
  )}\n`;
}

/** The columns: every client, and within it every profile that ran. */
function columns(r: RunResult): { client: string; profile: ProfileName; title: string }[] {
  return Object.keys(r.clients).flatMap((client) =>
    r.profiles.map((p) => ({ client, profile: p.name, title: p.title })),
  );
}

function result(r: RunResult, client: string, profile: ProfileName, id: string): CaseResult | undefined {
  return r.clients[client]!.profiles[profile]?.cases[id];
}

/** A cell: the verdict; for an observed case also what happened (its reason starts with it). */
function cellText(v: { verdict: string; reason: string }): string {
  return v.verdict === 'INFO' ? `INFO: ${v.reason.split(':', 1)[0]}` : v.verdict;
}

export function reportMarkdown(r: RunResult): string {
  const cols = columns(r);
  const lines = [
    `# ${titleOf(r).heading}`,
    '',
    ...(r.partial !== undefined
      ? [
          `**Partial report: the run was interrupted (${r.partial}).** Only the cases finished by then have a verdict; a — marks the others.`,
          '',
        ]
      : []),
    `Generated ${r.generated}. One column per client and profile; a verdict in *italics* differs from the client's expectation file.`,
    '',
    '| profile | server | key sent | Basic user | version path | an admin creates a key with |',
    '|---|---|---|---|---|---|',
    ...r.profiles.map(
      (p) =>
        `| ${p.title} (${p.name}) | ${md(p.server)} | ${p.key} | \`${p.basicUser}\` | \`${p.versionPath}\` | ${md(p.createKey)} |`,
    ),
    '',
    `| case | level | ${cols.map((c) => `${c.client}<br>${c.title}`).join(' | ')} |`,
    `|---|---|${cols.map(() => '---').join('|')}|`,
    ...r.cases.map(
      (k) =>
        `| ${k.id} | ${k.level} | ${cols
          .map((c) => {
            const v = result(r, c.client, c.profile, k.id);
            return v ? (v.expected ? cellText(v) : `*${cellText(v)}*`) : '—';
          })
          .join(' | ')} |`,
    ),
    '',
    '## Reasons',
    '',
  ];
  for (const [n, c] of Object.entries(r.clients)) {
    lines.push(`### ${n} (${c.version ?? `missing: ${c.missing}`})`, '');
    for (const p of r.profiles) {
      const run = c.profiles[p.name];
      if (!run) continue;
      lines.push(`#### ${p.title}`, '');
      for (const [id, v] of Object.entries(run.cases))
        lines.push(`- **${id}** ${v.verdict}${v.expected ? '' : ` (expected ${v.expectedVerdict})`}: ${md(v.reason)}`);
      lines.push('');
    }
  }
  if (r.causes.length)
    lines.push(
      '## Shared causes',
      '',
      ...r.causes.map(
        (g) =>
          `- **${md(g.client)}**: ${g.cases.length} unexpected verdicts, one cause — ${md(g.cause)}: ${g.cases.join(', ')}`,
      ),
      '',
    );
  if (r.unexpected.length) lines.push('## Unexpected verdicts', '', ...r.unexpected.map((u) => `- ${md(u)}`), '');
  return `${lines.join('\n')}\n`;
}

const COLOURS: Readonly<Record<string, string>> = {
  PASS: '#0a0',
  FAIL: '#c00',
  'NON-STRICT': '#e90',
  UNSUPPORTED: '#888',
  INFO: '#39f',
};

export function reportHtml(r: RunResult): string {
  const names = Object.keys(r.clients);
  const span = r.profiles.length;
  const head = names
    .map(
      (n) =>
        `<th colspan="${span}">${esc(n)}<br><small>${esc(r.clients[n]!.version ?? `missing: ${r.clients[n]!.missing ?? ''}`)}</small></th>`,
    )
    .join('');
  const sub = names.map(() => r.profiles.map((p) => `<th class="profile">${esc(p.title)}</th>`).join('')).join('');
  const rows = r.cases
    .map((k) => {
      const cells = columns(r)
        .map((c) => {
          const v = result(r, c.client, c.profile, k.id);
          if (!v) return '<td class="none">—</td>';
          const mark = v.expected ? '' : ' unexpected';
          return `<td class="v${mark}" style="background:${COLOURS[v.verdict]}" title="${esc(`${c.title}: ${v.reason}`)}">${esc(cellText(v))}${v.expected ? '' : ` ≠ ${esc(v.expectedVerdict)}`}</td>`;
        })
        .join('');
      return `<tr><th class="case">${esc(k.id)}<br><small>${esc(k.level)} — ${esc(k.title)}</small></th>${cells}</tr>`;
    })
    .join('\n');
  const profiles = r.profiles
    .map(
      (p) =>
        `<tr><th>${esc(p.title)}</th><td>${esc(p.server)}</td><td>${esc(p.key)}</td><td><code>${esc(p.basicUser)}</code></td><td><code>${esc(p.versionPath)}</code></td><td>${esc(p.createKey)}</td></tr>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>pmm-auth-conformance: ${esc(titleOf(r).heading)}</title>
<style>
body{font-family:sans-serif;margin:1.5em} table{border-collapse:collapse;margin-bottom:1em} th,td{border:1px solid #ccc;padding:.35em .6em}
td.v{color:#fff;font-weight:bold;text-align:center} td.unexpected{outline:3px solid #000} th.case{text-align:left;font-weight:normal}
th.profile{font-weight:normal;font-size:small} p.partial{background:#fe9;padding:.5em} .legend span{display:inline-block;color:#fff;padding:.2em .5em;margin-right:.4em}
</style></head><body>
<h1>${esc(titleOf(r).heading)}</h1>
${r.partial !== undefined ? `<p class="partial"><strong>Partial report: the run was interrupted (${esc(r.partial)}).</strong> Only the cases finished by then have a verdict; a — marks the others.</p>\n` : ''}<p>Generated ${esc(r.generated)}. One column per client and profile. Hover a cell for the reason; a black frame marks a verdict that differs from the client's expectation file.</p>
<table id="profiles"><tr><th>profile</th><th>server</th><th>key sent</th><th>Basic user</th><th>version path</th><th>an admin creates a key with</th></tr>
${profiles}
</table>
<p class="legend">${Object.entries(COLOURS)
    .map(([v, c]) => `<span style="background:${c}">${v}</span>`)
    .join('')}</p>
<table id="matrix"><tr><th rowspan="2">case</th>${head}</tr>
<tr>${sub}</tr>
${rows}
</table>
</body></html>
`;
}

export function reportJunit(r: RunResult): string {
  const suites = Object.entries(r.clients).flatMap(([name, c]) =>
    r.profiles.flatMap((p) => {
      const run = c.profiles[p.name];
      if (!run && !c.missing) return [];
      const cases = Object.entries(run?.cases ?? {}).map(([id, v]) => {
        const body = v.expected
          ? v.verdict === 'UNSUPPORTED'
            ? `<skipped message="${esc(v.reason)}"/>`
            : ''
          : `<failure message="${esc(`${v.verdict}, expected ${v.expectedVerdict}`)}">${esc(v.reason)}</failure>`;
        return `    <testcase classname="${esc(`${name}.${p.name}`)}" name="${esc(`${id} [${v.verdict}]`)}">${body}</testcase>`;
      });
      const failures = Object.values(run?.cases ?? {}).filter((v) => !v.expected).length;
      return [
        `  <testsuite name="${esc(`${name} ${c.version ?? 'missing'} (${p.title})`)}" tests="${cases.length}" failures="${failures}">\n${cases.join('\n')}\n  </testsuite>`,
      ];
    }),
  );
  const name =
    r.partial !== undefined ? `${titleOf(r).command} (partial: interrupted by ${r.partial})` : titleOf(r).command;
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="${esc(name)}">\n${suites.join('\n')}\n</testsuites>\n`;
}

/** Writes the four reports into `dir`, which exists (the CLI creates it up front: suites/client/preflight.ts). */
export function writeReports(dir: string, r: RunResult): string[] {
  const files: [string, string][] = [
    ['report.json', reportJson(r)],
    ['report.md', reportMarkdown(r)],
    ['report.html', reportHtml(r)],
    ['junit.xml', reportJunit(r)],
  ];
  for (const [name, text] of files) writeFileSync(join(dir, name), text);
  return files.map(([name]) => join(dir, name));
}
