/**
 * `npm run docs:scenarios`: rewrites the README's scenario catalogue (between the markers) from
 * fixtures/scenarios/*.json — the table (id, symptom, product, source, what a correct client
 * does, the command) and each scenario's steps — so there is no hand-kept copy.
 * scripts/scenario-table.test.ts fails when the README is out of date.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { catalogueFiles, readEntry, shellCommand, type CatalogueEntry, type ReproduceStep } from './lib/catalogue.ts';

export const README = fileURLToPath(new URL('../README.md', import.meta.url));
export const BEGIN = '<!-- scenario-catalogue:begin (npm run docs:scenarios writes this part) -->';
export const END = '<!-- scenario-catalogue:end -->';

const cell = (s: string): string => s.replaceAll('|', '\\|').replaceAll('\n', ' ');

/** `https://github.com/o/r/issues/12` → `o/r#12`; other links by host and path. */
export function linkText(url: string): string {
  const gh = /^https:\/\/github\.com\/([^/]+\/[^/]+)\/(?:issues|pull)\/(\d+)/.exec(url);
  if (gh) return `${gh[1]}#${gh[2]}`;
  const file = /^https:\/\/github\.com\/([^/]+\/[^/]+)\/blob\/[^/]+\/(?:.*\/)?([^/]+)$/.exec(url);
  if (file) return `${file[1]} ${file[2]}`;
  return url.replace(/^https:\/\//, '');
}

const product = (e: CatalogueEntry): string =>
  e.product.grafanaVersion ? `${e.product.profile}, Grafana ${e.product.grafanaVersion}` : e.product.profile;

const correctClient = (e: CatalogueEntry): string =>
  e.expect.length === 0
    ? '— (the bug is the server’s; nothing judged)'
    : e.expect.map((x) => `${x.level}: ${x.description}`).join(' ');

/** The step that shows the symptom: the first whose expected status is not 2xx, else the first. */
function symptomStep(e: CatalogueEntry): string {
  const steps = e.reproduce ?? [];
  const step = steps.find((s) => s.curl && (s.expect?.status ?? 200) >= 300) ?? steps[0];
  return step ? `\`${cell(shellCommand(step))}\`` : '(no reproduce steps)';
}

/** A step's expectation as a comment tail: ` — expect 401, body has "Expired API key"`. */
function expected(s: ReproduceStep): string {
  const e = s.expect ?? {};
  const parts = [
    e.status !== undefined ? `${e.status}` : '',
    e.curlExit !== undefined ? `curl exit ${e.curlExit}` : '',
    e.bodyContains !== undefined ? `body has ${e.bodyContains}` : '',
    e.headerContains !== undefined ? `header ${e.headerContains}` : '',
  ].filter((p) => p !== '');
  return parts.length === 0 ? '' : ` — expect ${parts.join(', ')}`;
}

export function catalogueMarkdown(entries: readonly CatalogueEntry[]): string {
  const rows = entries.map((e) =>
    [
      `[\`${e.id}\`](#${e.id})`,
      cell(e.symptom),
      product(e),
      e.sources.map((s) => `[${linkText(s)}](${s})`).join(', '),
      cell(correctClient(e)),
      symptomStep(e),
    ].join(' | '),
  );
  const steps = entries.map((e) => {
    const body = (e.reproduce ?? []).flatMap((s) => [`# ${s.title}${expected(s)}`, shellCommand(s)]);
    return [
      `<a id="${e.id}"></a>**${e.id}** (${e.bug ?? 'own'}): ${e.title}`,
      '',
      '```sh',
      `npx pmm-auth-mock --scenario ${e.id}   # then paste its "export …" line`,
      ...body,
      '```',
    ].join('\n');
  });
  return [
    '| id | symptom | product | source | what a correct client does | command |',
    '|---|---|---|---|---|---|',
    ...rows.map((r) => `| ${r} |`),
    '',
    ...steps.flatMap((s) => [s, '']),
  ].join('\n');
}

/** The README with its catalogue part replaced; an error line when a marker is missing. */
export function withCatalogue(readme: string, markdown: string): string {
  const from = readme.indexOf(BEGIN);
  const to = readme.indexOf(END);
  if (from < 0 || to < from) throw new Error(`README.md: the markers ${BEGIN} … ${END} are missing`);
  return `${readme.slice(0, from + BEGIN.length)}\n\n${markdown}\n${readme.slice(to)}`;
}

export const currentCatalogue = (): string => catalogueMarkdown(catalogueFiles().map((f) => readEntry(f)));

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  try {
    const before = readFileSync(README, 'utf8');
    const after = withCatalogue(before, currentCatalogue());
    if (after !== before) writeFileSync(README, after);
    console.log(`README.md: scenario catalogue ${after === before ? 'already up to date' : 'rewritten'}`);
  } catch (e) {
    console.error(`docs:scenarios: ${(e as Error).message}`);
    process.exitCode = 1;
  }
}
