/**
 * The clean-up's parts (cleanup.ts puts them together): its admin requests, which stop at the
 * first that gets no answer; the reading of a list answer; and the sweep of one kind — delete what
 * the ledger says was created, then what the target lists with this run's names — tallied, with
 * what could not be done, never throwing on what the target answers.
 */
import { excerpt } from './detect.ts';
import { adminAuth, type HttpResult, send } from './http.ts';
import type { LedgerEvent } from './keys.ts';
import type { Target } from './target.ts';

export interface Tally {
  created: number;
  deleted: number;
  left: string[];
  /** What the clean-up could not do, each as "<what> (<request> → <answer>)", e.g. "list the keys (GET … → 200 {…}: not a JSON list …)". */
  problems: string[];
}

/** An answer, or — for a request that got none — what could not be done. */
export type Answer = HttpResult | { readonly unreachable: string };

/**
 * The clean-up's admin requests. After a request that got no answer the target is taken as
 * unreachable: nothing more is sent, and each later request reports the same problem.
 */
export function requester(t: Target): (method: string, path: string) => Promise<Answer> {
  let down: { unreachable: string } | undefined;
  return async (method, path) => {
    if (down) return down;
    try {
      return await send(t, { method, path, headers: adminAuth(t) });
    } catch (e) {
      down = { unreachable: `reach ${t.baseUrl} (${method} ${path}: ${(e as Error).message})` };
      return down;
    }
  };
}

export const saw = (method: string, path: string, res: HttpResult): string =>
  `${method} ${path} → ${res.status} ${excerpt(res.text)}`;

export type Item = { id: number; name: string };
const isItem = (v: unknown): v is Item =>
  v !== null && typeof v === 'object' && typeof (v as Item).id === 'number' && typeof (v as Item).name === 'string';

/**
 * The items of a list answer (`pick` finds the array in the body), or the problem: the target
 * answered something else than a JSON list of {id, name}.
 */
export function itemsOf(what: string, path: string, res: Answer, pick: (body: unknown) => unknown): Item[] | string {
  if ('unreachable' in res) return res.unreachable;
  const problem = (why: string): string => `list the ${what} (${saw('GET', path, res)}${why})`;
  if (res.status !== 200) return problem('');
  let list: unknown;
  try {
    list = pick(JSON.parse(res.text));
  } catch {
    return problem(': not JSON');
  }
  return Array.isArray(list) && list.every(isItem) ? list : problem(': not a JSON list of {"id","name"}');
}

/**
 * Deletes every `created` of one kind not yet `deleted`, then every listed item `mine` accepts.
 * `remove` answers whether the item is gone (200, or 404: already gone) or what could not be
 * done; `listed` the items or what could not be done. Nothing the target answers makes it throw.
 */
export async function sweep(
  events: LedgerEvent[],
  remove: (id: number, name: string) => Promise<true | string>,
  listed: () => Promise<Item[] | string>,
  mine: (name: string) => boolean,
): Promise<Tally> {
  const created = new Map(events.filter((e) => e.event === 'created').map((e) => [e.id, e.name]));
  const deleted = new Set(events.filter((e) => e.event === 'deleted').map((e) => e.id));
  const problems = new Set<string>();
  const del = async (id: number, name: string): Promise<void> => {
    if (deleted.has(id) || !mine(name)) return;
    const gone = await remove(id, name);
    if (gone === true) deleted.add(id);
    else problems.add(gone);
  };
  for (const [id, name] of created) await del(id, name);
  const items = await listed();
  if (typeof items === 'string') problems.add(items);
  for (const item of typeof items === 'string' ? [] : items) {
    if (!mine(item.name)) continue;
    if (!created.has(item.id)) created.set(item.id, item.name);
    await del(item.id, item.name);
  }
  return {
    created: created.size,
    deleted: [...deleted].filter((id) => created.has(id)).length,
    left: [...created].filter(([id]) => !deleted.has(id)).map(([, name]) => name),
    problems: [...problems],
  };
}
