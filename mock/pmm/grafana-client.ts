/**
 * How pmm-managed 2.41 asks Grafana for the caller's role (pmm-auth §2.3, client.go): the
 * API-key path reads Percona's `/api/auth/key`, the user path reads `/api/user` and
 * `/api/user/orgs`. Grafana's answers come from the same functions the /graph/api handlers use.
 */
import { decodeStdBase64 } from '../identity/go-base64.ts';
import type { Resolution } from '../identity/resolve.ts';
import { getAPIKeyCurrent, getSignedInUser, getSignedInUserOrgList, type GrafanaAnswer } from '../grafana/answers.ts';
import type { PmmRole, Profile } from '../profiles/types.ts';
import { GRPC } from '../errors.ts';
import { ORG_ID } from '../store.ts';

export type RoleLookup = { readonly role: PmmRole } | { readonly code: number; readonly message: string };

/**
 * pmm-auth §2.3 `IsAPIKeyAuth`: `Bearer` prefix (no space required, case-sensitive), or `Basic`
 * whose base64 (after TrimSpace) decodes to text starting with `<key user>:`.
 */
export function isAPIKeyAuth(authorization: string | undefined, keyBasicUsers: readonly string[]): boolean {
  const h = authorization ?? '';
  if (h.startsWith('Bearer')) return true;
  if (!h.startsWith('Basic')) return false;
  const decoded = decodeStdBase64(h.slice('Basic'.length).trim());
  if (!decoded) return false;
  const text = decoded.toString('utf8');
  return keyBasicUsers.some((u) => text.startsWith(`${u}:`));
}

/** pmm-auth §2.3: `Viewer`/`Editor`/`Admin` → viewer/editor/admin, anything else → none. */
function convertRole(role: unknown): PmmRole {
  return role === 'Viewer' ? 'viewer' : role === 'Editor' ? 'editor' : role === 'Admin' ? 'admin' : 'none';
}

/**
 * pmm-auth §2.3: any status but 200/202 is an error carrying Grafana's `message` ("" when
 * absent); 401/403 → code 16 (Unauthenticated), others → code 13 (Internal).
 */
function failed(answer: GrafanaAnswer): RoleLookup | undefined {
  if (answer.status === 200 || answer.status === 202) return undefined;
  const body = answer.body as { message?: unknown } | null;
  const message = typeof body?.message === 'string' ? body.message : '';
  const code = answer.status === 401 || answer.status === 403 ? GRPC.Unauthenticated : GRPC.Internal;
  return { code, message };
}

/**
 * pmm-auth §2.3 (3.x): pmm-managed asks Percona's /api/auth/serviceaccount first (which migrates a
 * legacy key into a service account) and falls back to /api/auth/key; the mock answers both kinds
 * from /api/auth/key — the migration side effect is not modelled yet.
 */
export function lookupRole(authorization: string | undefined, res: Resolution, profile: Profile): RoleLookup {
  if (isAPIKeyAuth(authorization, profile.keyBasicUsers)) {
    const key = getAPIKeyCurrent(res, profile);
    const err = failed(key);
    if (err) return err;
    const k = key.body as { orgId?: unknown; role?: unknown };
    // pmm-auth §2.3: orgId must be 1, else role none.
    return { role: k.orgId === ORG_ID ? convertRole(k.role) : 'none' };
  }
  const user = getSignedInUser(res, profile);
  const userErr = failed(user);
  if (userErr) return userErr;
  // pmm-auth §2.3: isGrafanaAdmin → grafanaAdmin, else the role of the org-1 entry of /api/user/orgs.
  if ((user.body as { isGrafanaAdmin?: unknown }).isGrafanaAdmin === true) return { role: 'grafanaAdmin' };
  const orgs = getSignedInUserOrgList(res, profile);
  const orgsErr = failed(orgs);
  if (orgsErr) return orgsErr;
  const entry = (orgs.body as { orgId?: unknown; role?: unknown }[]).find((o) => o.orgId === ORG_ID);
  return { role: entry ? convertRole(entry.role) : 'none' };
}
