/**
 * Grafana users the suite creates, as PMM's own api-tests do (pmm-auth §5: `POST
 * /graph/api/admin/users`, role by `PATCH /graph/api/org/users/:id`): logins named
 * `pmmconf-<runId>-…`, the password a random one of this run, logged in the ledger (kind `user`)
 * and deleted by the file's afterAll (setup.ts) or the run's clean-up. Never anyone else.
 */
import { randomBytes } from 'node:crypto';
import { adminAuth, basicAuth, send, withJson, type HttpResult } from './http.ts';
import { keyPrefix, ledger, uniqueName } from './keys.ts';
import { rememberSecret, redactSecrets } from './redact.ts';
import type { Target } from './target.ts';

export type OrgRole = 'Viewer' | 'Editor' | 'Admin';

export interface CreatedUser {
  readonly id: number;
  readonly login: string;
  readonly password: string;
  /** `Authorization: Basic <login:password>`. */
  readonly auth: Record<string, string>;
}

export const USERS_API = '/graph/api/admin/users';
const mine = new Map<number, string>();

/** Whether a login is one of this run's. */
export const isRunUser = (t: Target, login: string): boolean => login.startsWith(keyPrefix(t));

/** POST /graph/api/admin/users as the server admin with a raw body; logs what it created. */
export async function postUser(t: Target, body: unknown, headers = adminAuth(t)): Promise<HttpResult> {
  const res = await send(t, {
    method: 'POST',
    path: USERS_API,
    headers: withJson(headers),
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const login = (body as { login?: unknown } | null)?.login;
  if (res.status === 200 && typeof login === 'string') {
    const id = res.json<{ id?: unknown }>().id;
    if (typeof id === 'number') {
      ledger(t, 'created', id, login, 'user');
      mine.set(id, login);
    }
  }
  return res;
}

/**
 * Creates a user as PMM's api-tests do (email `<login>@percona.invalid`) and, unless `role` is
 * undefined (the org's default role, pmm-auth §5), gives it that org role. Throws with the answer when refused.
 */
export async function createUser(t: Target, label: string, role?: OrgRole): Promise<CreatedUser> {
  const login = uniqueName(t, label);
  const password = `pw-${randomBytes(12).toString('base64url')}`;
  rememberSecret(password);
  const res = await postUser(t, { name: login, email: `${login}@percona.invalid`, login, password });
  if (res.status !== 200)
    throw new Error(`creating user ${login} as ${t.admin.login}: ${res.status} ${redactSecrets(res.text)}`);
  const { id } = res.json<{ id: number }>();
  if (role !== undefined) {
    const set = await setOrgRole(t, id, role);
    if (set.status !== 200)
      throw new Error(`setting ${login}'s role to ${role}: ${set.status} ${redactSecrets(set.text)}`);
  }
  return { id, login, password, auth: basicAuth(login, password) };
}

/** PATCH /graph/api/org/users/:id {"role":…} as the admin (or `headers`). */
export function setOrgRole(t: Target, id: number, role: string, headers = adminAuth(t)): Promise<HttpResult> {
  return send(t, {
    method: 'PATCH',
    path: `/graph/api/org/users/${id}`,
    headers: withJson(headers),
    body: JSON.stringify({ role }),
  });
}

export async function deleteUser(t: Target, id: number, login: string): Promise<HttpResult> {
  if (!isRunUser(t, login)) throw new Error(`refusing to delete user ${login}: not created by this run`);
  const res = await send(t, { method: 'DELETE', path: `${USERS_API}/${id}`, headers: adminAuth(t) });
  if (res.status === 200) {
    ledger(t, 'deleted', id, login, 'user');
    mine.delete(id);
  }
  return res;
}

/** Deletes the users this file created and are still there (404 = already gone). */
export async function deleteMyUsers(t: Target): Promise<void> {
  for (const [id, login] of [...mine]) await deleteUser(t, id, login).catch(() => undefined);
  mine.clear();
}
