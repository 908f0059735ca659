/**
 * The end of a run on its target: delete every key and service account of this run still present
 * — those in the ledger, then any listed with the run prefix (and, on PMM 3, the accounts PMM made
 * from this run's keys: `sa-autogen-pmmconf-<runId>-…`, grafana-auth §5.2) — and never anything
 * else; print the counts. Deleting a service account deletes its tokens (grafana-auth §5.3).
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { adminAuth, closeAgents, send } from './http.ts';
import { keyPrefix, type LedgerEvent } from './keys.ts';
import { isRunAccount, SA_API } from './service-accounts.ts';
import type { Target } from './target.ts';

interface Tally {
  created: number;
  deleted: number;
  left: string[];
}

export interface CleanUpResult {
  readonly keys: Tally;
  readonly accounts: Tally;
  /** Tokens created in this run (deleted with their accounts or one by one). */
  readonly tokens: number;
}

function readLedger(t: Target): LedgerEvent[] {
  if (!existsSync(t.ledgerFile)) return [];
  return readFileSync(t.ledgerFile, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as LedgerEvent);
}

/**
 * Deletes every `created` of one kind not yet `deleted`, then every listed item `mine` accepts.
 * `remove` answers whether the item is gone (200, or 404: already gone).
 */
async function sweep(
  events: LedgerEvent[],
  remove: (id: number, name: string) => Promise<boolean>,
  listed: () => Promise<{ id: number; name: string }[]>,
  mine: (name: string) => boolean,
): Promise<Tally> {
  const created = new Map(events.filter((e) => e.event === 'created').map((e) => [e.id, e.name]));
  const deleted = new Set(events.filter((e) => e.event === 'deleted').map((e) => e.id));
  const del = async (id: number, name: string): Promise<void> => {
    if (deleted.has(id) || !mine(name)) return;
    if (await remove(id, name)) deleted.add(id);
  };
  for (const [id, name] of created) await del(id, name);
  const left: string[] = [];
  for (const item of await listed()) {
    if (!mine(item.name)) continue;
    if (!created.has(item.id)) created.set(item.id, item.name);
    await del(item.id, item.name);
    if (!deleted.has(item.id)) left.push(item.name);
  }
  return { created: created.size, deleted: [...deleted].filter((id) => created.has(id)).length, left };
}

export async function cleanUp(t: Target): Promise<CleanUpResult> {
  const events = readLedger(t);
  const gone = (status: number): boolean => status === 200 || status === 404;
  const keys = await sweep(
    events.filter((e) => (e.kind ?? 'key') === 'key'),
    async (id) =>
      gone((await send(t, { method: 'DELETE', path: `/graph/api/auth/keys/${id}`, headers: adminAuth(t) })).status),
    async () => {
      if (t.readOnly) return [];
      const list = await send(t, { path: '/graph/api/auth/keys?includeExpired=true', headers: adminAuth(t) });
      return list.status === 200 ? list.json<{ id: number; name: string }[]>() : [];
    },
    (name) => name.startsWith(keyPrefix(t)),
  );
  const saEvents = events.filter((e) => e.kind === 'sa');
  const accounts = await sweep(
    saEvents,
    async (id) => gone((await send(t, { method: 'DELETE', path: `${SA_API}/${id}`, headers: adminAuth(t) })).status),
    async () => {
      // PMM 3 only: a run on PMM 2.41 creates no accounts, and its keys are never migrated.
      if (t.readOnly || t.profile !== 'pmm3') return [];
      const q = encodeURIComponent(keyPrefix(t));
      const found = await send(t, { path: `${SA_API}/search?query=${q}&perpage=1000&page=1`, headers: adminAuth(t) });
      return found.status === 200
        ? (found.json<{ serviceAccounts?: { id: number; name: string }[] }>().serviceAccounts ?? [])
        : [];
    },
    (name) => isRunAccount(t, name),
  );
  return {
    keys,
    accounts,
    tokens: new Set(events.filter((e) => e.kind === 'token' && e.event === 'created').map((e) => e.id)).size,
  };
}

/** Cleans up, prints "created N keys, deleted N" (and the service accounts), removes the ledger. */
export async function finishRun(t: Target): Promise<void> {
  try {
    const { keys, accounts, tokens } = await cleanUp(t);
    const left = [...keys.left, ...accounts.left];
    const sa =
      accounts.created > 0
        ? `; created ${accounts.created} service accounts (${tokens} tokens), deleted ${accounts.deleted}`
        : '';
    process.stdout.write(
      `pmm-auth-conformance: run ${t.runId} (${t.project}): created ${keys.created} keys, deleted ${keys.deleted}${sa}${left.length ? `; NOT deleted: ${left.join(', ')}` : ''}\n`,
    );
  } catch (e) {
    process.stderr.write(
      `pmm-auth-conformance: clean-up failed: ${(e as Error).message}; keys and service accounts named ${keyPrefix(t)}* may remain\n`,
    );
  } finally {
    closeAgents();
    rmSync(t.ledgerFile, { force: true });
  }
}
