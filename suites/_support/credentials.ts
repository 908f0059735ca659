/**
 * The credential a case authenticates with, per profile: on PMM 2.41 a legacy API key of `role`
 * (grafana-auth §1); on PMM 3 a token of a fresh service account of `role` (grafana-auth §5.3,
 * pmm-auth §4.2 — what PMM 3 hands out), both named `pmmconf-<runId>-…` and cleaned up.
 */
import { createKey, type Role } from './keys.ts';
import { createServiceAccount, createToken } from './service-accounts.ts';
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
