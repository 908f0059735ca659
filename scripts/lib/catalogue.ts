/**
 * The scenario catalogue as files (fixtures/scenarios/*.json, issue 13): listed from the directory
 * so every file is covered, and each `reproduce` step as a curl command line whose placeholders
 * are shell variables (`$PMM`, `$KEY_CI`) set from the mock's ready line: the README's command
 * (scripts/scenario-table.ts), which scripts/scenario-catalogue.test.ts runs as printed.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const SCENARIO_DIR = fileURLToPath(new URL('../../fixtures/scenarios/', import.meta.url));

export interface ReproduceStep {
  readonly title: string;
  readonly curl?: readonly string[];
  readonly control?: { readonly method: string; readonly path: string; readonly body?: unknown };
  readonly expect?: {
    readonly status?: number;
    readonly curlExit?: number;
    readonly bodyContains?: string;
    readonly headerContains?: string;
  };
}

/** The fields of a catalogue file the runner and the table read (the schema has them all). */
export interface CatalogueEntry {
  readonly id: string;
  readonly bug?: string;
  readonly title: string;
  readonly symptom: string;
  readonly product: { readonly profile: string; readonly grafanaVersion?: string };
  readonly sources: readonly string[];
  /** `certificate` is chosen at start (a scenario switched in at run time keeps the mock's). */
  readonly initial?: { readonly settings?: { readonly certificate?: string } };
  readonly expect: readonly { readonly id: string; readonly level: string; readonly description: string }[];
  readonly reproduce?: readonly ReproduceStep[];
}

/** Every `<id>.json` of the catalogue directory (not the schema), sorted by bug number, then id. */
export function catalogueFiles(dir = SCENARIO_DIR): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json') && f !== 'scenario.schema.json')
    .sort((a, b) => bugNumber(a) - bugNumber(b) || a.localeCompare(b));
}

const bugNumber = (file: string): number => Number(/^b(\d+)-/.exec(file)?.[1] ?? 1e9);

export function readEntry(file: string, dir = SCENARIO_DIR): CatalogueEntry {
  return JSON.parse(readFileSync(`${dir}${file}`, 'utf8')) as CatalogueEntry;
}

/** What the placeholders are filled from: the mock's `--json` ready line. */
export interface ReadyValues {
  readonly https: string;
  readonly http: string | null;
  readonly caFile: string;
  readonly keys: Readonly<Record<string, string>>;
  readonly passwords?: Readonly<Record<string, string>>;
}

/** `${https}`, `${key:NAME}`, … and, after a key, token or password, a filter: `|base64`, `|no-padding`. */
const PLACEHOLDER = /\$\{(https|http|ca|(?:key|token|password):[^}|]+(?:\|(?:base64|no-padding))?)\}/g;

/** The curl arguments of a step, placeholders left in (a control step is a JSON call on the HTTPS listener). */
export function stepArgs(step: ReproduceStep): string[] {
  if (step.curl) return [...step.curl];
  const { method, path, body } = step.control!;
  const target = ['--cacert', '${ca}', `\${https}${path}`];
  if (method === 'GET') return target;
  const data = body === undefined ? [] : ['-d', JSON.stringify(body)];
  // mock/control-guard.ts: a control write needs Content-Type: application/json.
  return ['-X', method, '-H', 'Content-Type: application/json', ...data, ...target];
}

/**
 * The shell variables the README's commands use, from a ready line: `PMM`, `PMM_HTTP`, `CA`, and
 * `KEY_<NAME>` / `TOKEN_<NAME>` / `PASSWORD_<LOGIN>` (tokens, `glsa_…`, are in the ready line's `keys` too).
 */
export function shellEnv(ready: ReadyValues): Record<string, string> {
  const env: Record<string, string> = { PMM: ready.https, CA: ready.caFile };
  if (ready.http) env.PMM_HTTP = ready.http;
  for (const [name, key] of Object.entries(ready.keys))
    env[shellVariable(`${key.startsWith('glsa_') ? 'token' : 'key'}:${name}`)] = key;
  for (const [login, password] of Object.entries(ready.passwords ?? {}))
    env[shellVariable(`password:${login}`)] = password;
  return env;
}

/** The placeholders of a step that `env` has no variable for (a typo in a file, or a name not in `initial`). */
export function unknownPlaceholders(step: ReproduceStep, env: Record<string, string>): string[] {
  return stepArgs(step)
    .flatMap((a) => [...a.matchAll(PLACEHOLDER)].map((m) => m[1]!))
    .filter((name) => env[shellVariable(name)] === undefined)
    .map((name) => `\${${name}}`);
}

/** The shell variable a placeholder stands for in the README (`${key:ci}` → `$KEY_CI`). */
export function shellVariable(name: string): string {
  const [kind, which] = name.split('|')[0]!.split(':') as [string, string?];
  if (kind === 'https') return 'PMM';
  if (kind === 'http') return 'PMM_HTTP';
  if (kind === 'ca') return 'CA';
  return `${kind.toUpperCase()}_${which!.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
}

/**
 * The shell expansion of a placeholder: its variable, or the form a careless client sends — the
 * value base64-encoded once more (auth-bugs §B11) or without its trailing `=` (auth-bugs §B10).
 */
function shellExpansion(name: string): string {
  const variable = shellVariable(name);
  const filter = name.split('|')[1];
  if (filter === 'base64') return `$(printf %s "$${variable}" | base64 -w0)`;
  if (filter === 'no-padding') return `\${${variable}%%=*}`;
  return `\${${variable}}`;
}

const SAFE = /^[\w@%+=:,./-]*$/;

/** One argument for a POSIX shell, placeholders as double-quoted variables (`"Authorization: Bearer $KEY_CI"`). */
export function shellArg(arg: string): string {
  const parts = arg.split(PLACEHOLDER);
  if (parts.length === 1) return SAFE.test(arg) && arg !== '' ? arg : `'${arg.replaceAll("'", `'\\''`)}'`;
  // split() with a capture group alternates literal, name, literal, …
  const literals = parts.filter((_, i) => i % 2 === 0);
  const expand = parts.map((p, i) => (i % 2 === 0 ? p : shellExpansion(p))).join('');
  if (literals.every((l) => !/["\\$`!]/.test(l))) return `"${expand.replace(/\$\{(\w+)\}(?![\w])/g, '$$$1')}"`;
  return parts
    .map((p, i) => (i % 2 === 0 ? (p === '' ? '' : `'${p.replaceAll("'", `'\\''`)}'`) : `"${shellExpansion(p)}"`))
    .join('');
}

/** A step as the command a user pastes. */
export function shellCommand(step: ReproduceStep): string {
  return ['curl', '-s', ...stepArgs(step).map(shellArg)].join(' ');
}

/** The one line a user pastes to set those variables (the banner prints it for a scenario). */
export function exportLine(ready: ReadyValues): string {
  const words = Object.entries(shellEnv(ready)).map(([k, v]) => `${k}=${shellArg(v)}`);
  return `export ${words.join(' ')}`;
}
