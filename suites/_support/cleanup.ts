/**
 * The end of a run on its target: delete every key of this run still present — those in the
 * ledger, then any listed with the run prefix — and never anything else; print the count.
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { adminAuth, closeAgents, send } from './http.ts';
import { keyPrefix } from './keys.ts';
import type { Target } from './target.ts';

export async function cleanUp(t: Target): Promise<{ created: number; deleted: number; left: string[] }> {
  const events = existsSync(t.ledgerFile)
    ? readFileSync(t.ledgerFile, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as { event: string; id: number; name: string })
    : [];
  const created = new Map(events.filter((e) => e.event === 'created').map((e) => [e.id, e.name]));
  const deleted = new Set(events.filter((e) => e.event === 'deleted').map((e) => e.id));
  const del = async (id: number, name: string): Promise<void> => {
    if (deleted.has(id) || !name.startsWith(keyPrefix(t))) return;
    const res = await send(t, { method: 'DELETE', path: `/graph/api/auth/keys/${id}`, headers: adminAuth(t) });
    if (res.status === 200 || res.status === 404) deleted.add(id);
  };
  for (const [id, name] of created) await del(id, name);
  const left: string[] = [];
  if (!t.readOnly) {
    const list = await send(t, { path: '/graph/api/auth/keys?includeExpired=true', headers: adminAuth(t) });
    if (list.status === 200) {
      for (const k of list.json<{ id: number; name: string }[]>()) {
        if (!k.name.startsWith(keyPrefix(t))) continue;
        if (!created.has(k.id)) created.set(k.id, k.name);
        await del(k.id, k.name);
        if (!deleted.has(k.id)) left.push(k.name);
      }
    }
  }
  return { created: created.size, deleted: [...deleted].filter((id) => created.has(id)).length, left };
}

/** Cleans up, prints "created N keys, deleted N", removes the ledger. */
export async function finishRun(t: Target): Promise<void> {
  try {
    const r = await cleanUp(t);
    process.stdout.write(`pmm-auth-conformance: run ${t.runId}: created ${r.created} keys, deleted ${r.deleted}${r.left.length ? `; NOT deleted: ${r.left.join(', ')}` : ''}\n`);
  } catch (e) {
    process.stderr.write(`pmm-auth-conformance: clean-up failed: ${(e as Error).message}; keys named ${keyPrefix(t)}* may remain\n`);
  } finally {
    closeAgents();
    rmSync(t.ledgerFile, { force: true });
  }
}
