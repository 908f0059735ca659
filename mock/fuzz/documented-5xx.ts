/**
 * The table of 5xx answers the mock gives on purpose (fixtures/documented-5xx.json): read once,
 * and the row an answer matches. A 5xx that matches no row is a defect (the fuzz properties).
 */
import { readFileSync } from 'node:fs';

export interface Documented5xx {
  readonly id: string;
  readonly profiles: readonly string[];
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly message: string;
  readonly when: string;
  readonly reference: string | null;
}

export const DOCUMENTED_5XX_FILE = new URL('../../fixtures/documented-5xx.json', import.meta.url);

export function loadDocumented5xx(): Documented5xx[] {
  return (JSON.parse(readFileSync(DOCUMENTED_5XX_FILE, 'utf8')) as { answers: Documented5xx[] }).answers;
}

/** What of an answer a row is matched on. */
export interface Answer5xx {
  readonly profile: string;
  readonly method: string;
  /** The request's path as the router sees it: WHATWG URL's pathname (dot segments resolved), `%XX` decoded. */
  readonly path: string;
  readonly status: number;
  /** The answer's text (JSON with `message` or `error`, or anything else). */
  readonly text: string;
}

/** The JSON `message` (Grafana, grpc-gateway) or `error` (control API) of an answer, if any. */
function messageOf(text: string): string | undefined {
  try {
    const body = JSON.parse(text) as { message?: unknown; error?: unknown } | null;
    const m = body?.message ?? body?.error;
    return typeof m === 'string' ? m : undefined;
  } catch {
    return undefined;
  }
}

/** The row that documents this answer, or undefined. A HEAD answer is matched as GET (give its GET's text). */
export function documentedRow(rows: readonly Documented5xx[], a: Answer5xx): Documented5xx | undefined {
  const method = a.method === 'HEAD' ? 'GET' : a.method;
  const message = messageOf(a.text);
  return rows.find(
    (r) =>
      r.status === a.status &&
      r.profiles.includes(a.profile) &&
      (r.method === '*' || r.method === method) &&
      new RegExp(r.path).test(a.path) &&
      r.message === message,
  );
}

const cell = (text: string): string => text.replaceAll('|', '\\|');

/** The table as README "Documented 5xx answers" shows it (documented-5xx.test.ts keeps them equal). */
export function markdownTable(rows: readonly Documented5xx[]): string {
  const lines = [
    '| id | profiles | method | path | status | message | when | reference |',
    '|---|---|---|---|---|---|---|---|',
    ...rows.map(
      (r) =>
        `| ${r.id} | ${r.profiles.join(', ')} | ${r.method} | \`${cell(r.path)}\` | ${r.status} | \`${cell(r.message)}\` | ${cell(r.when)} | ${r.reference ?? "the mock's own"} |`,
    ),
  ];
  return lines.join('\n');
}
