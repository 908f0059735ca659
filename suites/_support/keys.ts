/**
 * Keys the suite creates, named `pmmconf-<runId>-<label>`: created through the product API as the
 * admin of PMM_SERVER_URL, logged in a ledger, deleted by this file's afterAll (setup.ts) and, for
 * anything left, by globalSetup's teardown and its SIGINT/SIGTERM handler. Never anything else.
 * Service accounts and tokens (PMM 3) share the names and the ledger: service-accounts.ts, sa-tokens.ts.
 */
import { appendFileSync } from 'node:fs';
import { adminAuth, send, type HttpResult } from './http.ts';
import type { Target } from './target.ts';
import { redactSecrets } from './redact.ts';

export type Role = 'Viewer' | 'Editor' | 'Admin';

export interface CreatedKey {
  readonly id: number;
  readonly name: string;
  readonly key: string;
  readonly role: Role;
}

const mine: { id: number; name: string }[] = [];
let counter = 0;

export const keyPrefix = (t: Target): string => `pmmconf-${t.runId}-`;

/** A name no other key of this run has. */
export function uniqueName(t: Target, label: string): string {
  return `${keyPrefix(t)}${label}-${process.pid}-${++counter}`;
}

/** What the ledger records: legacy API keys, service accounts and their tokens (`saId`), users (name = login). */
export type LedgerKind = 'key' | 'sa' | 'token' | 'user';
export interface LedgerEvent {
  readonly event: 'created' | 'deleted';
  /** Absent in a key's entry. */
  readonly kind?: LedgerKind;
  readonly id: number;
  readonly name: string;
  readonly saId?: number;
}

export function ledger(
  t: Target,
  event: 'created' | 'deleted',
  id: number,
  name: string,
  kind: LedgerKind = 'key',
  saId?: number,
): void {
  const entry: LedgerEvent =
    kind === 'key' ? { event, id, name } : { event, kind, id, name, ...(saId === undefined ? {} : { saId }) };
  appendFileSync(t.ledgerFile, `${JSON.stringify(entry)}\n`);
}

/** POST /graph/api/auth/keys as admin with a raw body; logs what it created. */
export async function postKey(
  t: Target,
  body: unknown,
  headers: Record<string, string> = adminAuth(t),
  contentType = 'application/json',
): Promise<HttpResult> {
  const res = await send(t, {
    method: 'POST',
    path: '/graph/api/auth/keys',
    headers: { ...headers, 'Content-Type': contentType },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  if (res.status === 200) {
    const k = res.json<{ id: number; name: string; key: string }>();
    ledger(t, 'created', k.id, k.name);
    mine.push({ id: k.id, name: k.name });
  }
  return res;
}

/** Creates a key with `role` (and a TTL) and returns it; throws with the answer when refused. */
export async function createKey(t: Target, label: string, role: Role, secondsToLive?: number): Promise<CreatedKey> {
  const name = uniqueName(t, label);
  const res = await postKey(t, secondsToLive === undefined ? { name, role } : { name, role, secondsToLive });
  if (res.status !== 200)
    throw new Error(`creating key ${name} (${role}) as ${t.admin.login}: ${res.status} ${redactSecrets(res.text)}`);
  const k = res.json<{ id: number; key: string }>();
  return { id: k.id, name, key: k.key, role };
}

export async function deleteKey(t: Target, id: number, name: string): Promise<HttpResult> {
  if (!name.startsWith(keyPrefix(t))) throw new Error(`refusing to delete ${name}: not created by this run`);
  const res = await send(t, { method: 'DELETE', path: `/graph/api/auth/keys/${id}`, headers: adminAuth(t) });
  if (res.status === 200) ledger(t, 'deleted', id, name);
  return res;
}

/** Deletes what this file created and is still there (404 = already gone). */
export async function deleteMine(t: Target): Promise<void> {
  for (const k of mine.splice(0)) await deleteKey(t, k.id, k.name).catch(() => undefined);
}
