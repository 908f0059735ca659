/**
 * Service accounts the suite creates on a PMM 3 target (grafana-auth §5.3), named
 * `pmmconf-<runId>-<label>` like its keys, logged in the same ledger, deleted by the file's
 * afterAll and by the run's teardown (cleanup.ts). Deleting a service account deletes its tokens
 * (sa-tokens.ts).
 */
import { adminAuth, send, withJson, type HttpResult } from './http.ts';
import { keyPrefix, ledger, uniqueName, type Role } from './keys.ts';
import { redactSecrets } from './redact.ts';
import type { Target } from './target.ts';

export const SA_API = '/graph/api/serviceaccounts';

export interface CreatedAccount {
  readonly id: number;
  readonly name: string;
  readonly login: string;
  readonly role: string;
}

const accounts = new Map<number, string>();

/** Whether `name` is one of this run's (a migrated key's account is `sa-autogen-<key name>`, grafana-auth §5.2). */
export function isRunAccount(t: Target, name: string): boolean {
  return name.startsWith(keyPrefix(t)) || name.startsWith(`sa-autogen-${keyPrefix(t)}`);
}

/** POST /graph/api/serviceaccounts (as admin unless `headers`); logs what it created. */
export async function postServiceAccount(
  t: Target,
  body: Record<string, unknown>,
  headers: Record<string, string> = adminAuth(t),
): Promise<HttpResult> {
  if (typeof body.name === 'string' && !body.name.startsWith(keyPrefix(t)))
    throw new Error(`refusing to create ${body.name}: not a name of this run`);
  const res = await send(t, { method: 'POST', path: SA_API, headers: withJson(headers), body: JSON.stringify(body) });
  if (res.status >= 200 && res.status < 300) {
    const sa = res.json<{ id?: unknown; name?: unknown }>();
    if (typeof sa.id === 'number' && typeof sa.name === 'string') {
      ledger(t, 'created', sa.id, sa.name, 'sa');
      accounts.set(sa.id, sa.name);
    }
  }
  return res;
}

/** Creates a service account with `role`; throws with the answer when refused. */
export async function createServiceAccount(
  t: Target,
  label: string,
  role: Role,
  extra: Record<string, unknown> = {},
): Promise<CreatedAccount> {
  const name = uniqueName(t, label);
  const res = await postServiceAccount(t, { name, role, ...extra });
  if (res.status !== 201)
    throw new Error(
      `creating service account ${name} (${role}) as ${t.admin.login}: ${res.status} ${redactSecrets(res.text)}`,
    );
  const sa = res.json<{ id: number; login: string; role: string }>();
  return { id: sa.id, name, login: sa.login, role: sa.role };
}

export async function deleteServiceAccount(t: Target, id: number, name: string): Promise<HttpResult> {
  if (!isRunAccount(t, name)) throw new Error(`refusing to delete service account ${name}: not created by this run`);
  const res = await send(t, { method: 'DELETE', path: `${SA_API}/${id}`, headers: adminAuth(t) });
  if (res.status === 200) {
    ledger(t, 'deleted', id, name, 'sa');
    accounts.delete(id);
  }
  return res;
}

/**
 * Records an account that the product made from something of this run (PMM 3 migrates a key of
 * this run into `sa-autogen-<key name>`, grafana-auth §5.2), so that it is deleted like ours.
 */
export function adoptAccount(t: Target, id: number, name: string): void {
  if (!isRunAccount(t, name) || accounts.has(id)) return;
  ledger(t, 'created', id, name, 'sa');
  accounts.set(id, name);
}

/** Deletes the service accounts (and so their tokens) this file created and are still there. */
export async function deleteMyAccounts(t: Target): Promise<void> {
  for (const [id, name] of [...accounts]) await deleteServiceAccount(t, id, name).catch(() => undefined);
  accounts.clear();
}

/** GET /graph/api/serviceaccounts/search?… as admin (grafana-auth §5.3); `query` is sent encoded. */
export function searchAccounts(t: Target, params: Record<string, string>): Promise<HttpResult> {
  const qs = new URLSearchParams(params).toString();
  return send(t, { path: `${SA_API}/search${qs ? `?${qs}` : ''}`, headers: adminAuth(t) });
}
