/**
 * Answers whose parts (status, text, header record) the mock knows, so that a later layer — nginx's
 * headers on every answer — adds headers without building the Fetch `Headers` object (issue 15).
 * `@hono/node-server` writes an answer made from a plain header record straight to the socket; one
 * `res.headers.set()` turns it into a full `Headers` object that it then sorts and copies back.
 */
import type { Ctx } from './context.ts';

interface Parts {
  readonly status: number;
  readonly text: string | null;
  readonly headers: Readonly<Record<string, string>>;
}

/** Where an answer keeps its parts (a property, not a WeakMap: one per request, gone with it). */
const PARTS = Symbol('answer parts');
type Known = Response & { [PARTS]?: Parts };

/** A Response of `text` (null: no body) with `headers` (a plain record, written as given). */
export function answer(status: number, text: string | null, headers: Readonly<Record<string, string>>): Response {
  const res: Known = new Response(text, { status, headers });
  res[PARTS] = { status, text, headers };
  return res;
}

/** Headers to add to answers, with their names in lower case for the comparison `Headers.set` makes. */
export interface HeaderSet {
  readonly record: Readonly<Record<string, string>>;
  readonly lowerNames: ReadonlySet<string>;
}

export const headerSet = (record: Readonly<Record<string, string>>): HeaderSet => ({
  record,
  lowerNames: new Set(Object.keys(record).map((k) => k.toLowerCase())),
});

/**
 * `res` with `extra` set as `Headers.set` would (a name replaces any header of that name in any
 * case): a new answer from the parts when `res` came from `answer()`, else `res` itself, changed.
 */
export function withHeaders(res: Response, extra: HeaderSet): Response {
  const parts = (res as Known)[PARTS];
  if (!parts) {
    for (const name in extra.record) res.headers.set(name, extra.record[name]!);
    return res;
  }
  const headers: Record<string, string> = {};
  for (const name in parts.headers) if (!extra.lowerNames.has(name.toLowerCase())) headers[name] = parts.headers[name]!;
  for (const name in extra.record) headers[name] = extra.record[name]!;
  return answer(parts.status, parts.text, headers);
}

/** Replaces the answer without Hono merging the old answer's headers into it (its `c.res` setter does). */
export function replaceAnswer(c: Ctx, res: Response): void {
  c.res = undefined;
  c.res = res;
}
