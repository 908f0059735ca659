/**
 * The credential a case authenticates with, per profile: on PMM 2.41 a legacy API key of `role`
 * (grafana-auth §1); on PMM 3 a token of a fresh service account of `role` (grafana-auth §5.3,
 * pmm-auth §4.2 — what PMM 3 hands out), both named `pmmconf-<runId>-…` and cleaned up.
 */
import { adminAuth, send } from './http.ts';
import { createKey, type Role } from './keys.ts';
import { redactSecrets } from './redact.ts';
import { createToken, listTokens } from './sa-tokens.ts';
import { createServiceAccount } from './service-accounts.ts';
import type { Target } from './target.ts';

export interface Credential {
  /** The secret sent as `Bearer <key>` or Basic `api_key:<key>`. */
  readonly key: string;
  readonly role: Role;
  /** Name of the key, or of the token. */
  readonly name: string;
  /** Id of the key, or of the token. */
  readonly id: number;
  /** The token's service account (PMM 3). */
  readonly saId?: number;
}

export async function createCredential(
  t: Target,
  label: string,
  role: Role,
  secondsToLive?: number,
): Promise<Credential> {
  if (t.profile !== 'pmm3') return createKey(t, label, role, secondsToLive);
  const sa = await createServiceAccount(t, label, role);
  const tok = await createToken(t, sa.id, `${label}-token`, secondsToLive);
  return { key: tok.key, role, name: tok.name, id: tok.id, saId: sa.id };
}

/**
 * The credential's `expiration` as the product lists it (ms since the epoch, whole seconds): the
 * key's item of GET /graph/api/auth/keys (grafana-auth §1.5), or the token's of GET
 * /graph/api/serviceaccounts/:id/tokens (grafana-auth §5.3). Throws when it is not listed or has none.
 */
export async function expirationOf(t: Target, cred: Credential): Promise<number> {
  const res =
    cred.saId === undefined
      ? await send(t, { path: '/graph/api/auth/keys', headers: adminAuth(t) })
      : await listTokens(t, cred.saId);
  const items = res.status === 200 ? res.json<{ id?: unknown; expiration?: unknown }[]>() : null;
  const item = Array.isArray(items) ? items.find((i) => i.id === cred.id) : undefined;
  const ms = typeof item?.expiration === 'string' ? Date.parse(item.expiration) : NaN;
  if (Number.isNaN(ms))
    throw new Error(`no expiration listed for ${cred.name}: ${res.status} ${redactSecrets(res.text.slice(0, 300))}`);
  return ms;
}
