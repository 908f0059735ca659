/**
 * House rule (shared/design.md, style guide 6): every citation of the reference names its
 * document and one section, `grafana-auth §3.3`, so that `grep 'grafana-auth §3.3'` finds every
 * place that relies on it. This test checks every tracked text file: each `<doc> §N(.N)*` must be
 * a heading of `../shared/reference/<doc>.md`, and no bare section may hang on a citation
 * (`grafana-auth §2.2, §3.3`, `§3.2/§3.3`, `§5.2–5.3`).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
/** The reference sits beside the checkout (in CI beside the clone; in a worktree, beside the worktrees). */
const REFERENCE_DIR = join(ROOT, '..', 'shared', 'reference');
export const DOCS = ['grafana-auth', 'pmm-auth', 'clients-and-tls', 'auth-bugs'] as const;
type Doc = (typeof DOCS)[number];

const DOC = DOCS.join('|');
/** A citation: document, space, §, section (auth-bugs numbers its sections B1, B2, …). */
const CITATION = new RegExp(`\\b(${DOC}) §(B?\\d+(?:\\.\\d+)*)`, 'g');
/** What must not follow a citation: a bare section after a comma, semicolon, slash or "and", or a range. */
const HANGING = /^(?:\s*[,;]\s*§|\/§?\d|\s+and\s+§|[–-]§?\d)/;

/** A section sign and what names it: a document (`grafana-auth §3.1`, `…/grafana-auth.md §3.1`) or an issue (`issue 2 §7`). */
const SECTION_SIGN = new RegExp(`(\\b(?:${DOC})(?:\\.md)? |\\b[Ii]ssue \\d+ )?§(B?\\d+(?:\\.\\d+)*)`, 'g');

/** This file: its examples of bad citations are bad on purpose. */
const SELF = 'scripts/citations.test.ts';

/** The section numbers of a reference document: headings `## 3. …`, `### 3.1 …`, `## B4. …`. */
export function sectionsOf(markdown: string): Set<string> {
  const out = new Set<string>();
  for (const m of markdown.matchAll(/^#{1,6}\s+(B?\d+(?:\.\d+)*)\.?\s/gm)) out.add(m[1]!);
  return out;
}

export interface CitationProblem {
  readonly line: number;
  readonly text: string;
  readonly problem: string;
}

/** The citation problems of one text, given each document's sections. */
export function citationProblems(text: string, sections: Readonly<Record<Doc, Set<string>>>): CitationProblem[] {
  const problems: CitationProblem[] = [];
  text.split('\n').forEach((line, i) => {
    for (const m of line.matchAll(CITATION)) {
      const [cited, doc, section] = m as unknown as [string, Doc, string];
      if (!sections[doc].has(section))
        problems.push({ line: i + 1, text: cited, problem: `no heading §${section} in ${doc}.md` });
      const after = line.slice(m.index! + cited.length);
      if (HANGING.test(after))
        problems.push({
          line: i + 1,
          text: `${cited}${after.slice(0, 12)}`,
          problem: 'a bare section follows the citation: name the document again',
        });
    }
    // A bare `§N` names no document; only an issue's own sections may chain (`issue 3 §1, §5`).
    let issueChain = false;
    for (const m of line.matchAll(SECTION_SIGN)) {
      const named = m[1];
      if (named) issueChain = /^[Ii]ssue/.test(named);
      else if (!issueChain) problems.push({ line: i + 1, text: m[0], problem: 'a section without its document' });
    }
  });
  return problems;
}

/** Tracked text files: .ts, .md, .json, and the extension-less client adapters under fixtures/clients. */
function trackedTextFiles(): string[] {
  return execFileSync('git', ['ls-files'], { cwd: ROOT, encoding: 'utf8' })
    .split('\n')
    .filter((f) => /\.(ts|md|json)$/.test(f) || (f.startsWith('fixtures/clients/') && !basename(f).includes('.')))
    .filter((f) => existsSync(join(ROOT, f)) && f !== SELF);
}

function loadSections(): Record<Doc, Set<string>> {
  return Object.fromEntries(
    DOCS.map((d) => [d, sectionsOf(readFileSync(join(REFERENCE_DIR, `${d}.md`), 'utf8'))]),
  ) as Record<Doc, Set<string>>;
}

describe('citations of ../shared/reference grep', () => {
  it('the reference is beside the checkout (../shared/reference)', () => {
    expect(DOCS.filter((d) => !existsSync(join(REFERENCE_DIR, `${d}.md`)))).toEqual([]);
  });

  it('a bad citation is caught: a missing section, and bare sections after a comma, slash or range', () => {
    const sections = loadSections();
    const found = citationProblems(
      'x grafana-auth §3.9 y\n(grafana-auth §2.2, §3.3) pmm-auth §2.2/§5.1 grafana-auth §5.2–5.3 pmm-auth §1.2-§1.3',
      sections,
    );
    expect(found.map((p) => `${p.line}: ${p.problem}`)).toEqual([
      '1: no heading §3.9 in grafana-auth.md',
      '2: a bare section follows the citation: name the document again',
      '2: a bare section follows the citation: name the document again',
      '2: a bare section follows the citation: name the document again',
      '2: a bare section follows the citation: name the document again',
      '2: a section without its document',
      '2: a section without its document',
      '2: a section without its document',
    ]);
    expect(
      citationProblems('grafana-auth §2.2, grafana-auth §3.3; pmm-auth §2.2 step 3, auth-bugs §B4', sections),
    ).toEqual([]);
    expect(citationProblems('issue 3 §1, §5 and ../shared/reference/clients-and-tls.md §2.3', sections)).toEqual([]);
    expect(citationProblems('(see §3.5)', sections).map((p) => p.problem)).toEqual(['a section without its document']);
  });

  it('every citation in a tracked file names an existing section, one section per citation', () => {
    const sections = loadSections();
    const files = trackedTextFiles();
    expect(files.length).toBeGreaterThan(50);
    const problems = files.flatMap((f) =>
      citationProblems(readFileSync(join(ROOT, f), 'utf8'), sections).map(
        (p) => `${f}:${p.line}: ${p.text} — ${p.problem}`,
      ),
    );
    expect(problems).toEqual([]);
  });
});
