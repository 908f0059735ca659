/**
 * How pmm-managed asks Grafana for the caller's role (pmm-auth §2.3, client.go): the token path
 * reads Percona's `/api/auth/key` (2.41) or `/api/auth/serviceaccount` first (3.x), the user path
 * reads `/api/user` and `/api/user/orgs`. Grafana's answers come from the same functions the
 * /graph/api handlers use. The caller's header was parsed once (mock/identity/credentials.ts).
 */
import type { AppDeps, Ctx } from '../context.ts';
import { credentialsOf, resolutionOf } from '../context.ts';
import { resolveCredential, type Resolution } from '../identity/resolve.ts';
import { getAPIKeyCurrent, getSignedInUser, getSignedInUserOrgList, type GrafanaAnswer } from '../grafana/answers.ts';
import { getCurrentServiceAccount } from '../grafana/sa-migration.ts';
import type { AuthFailure } from '../journal.ts';
import type { PmmRole } from '../profiles/types.ts';
import { GRPC } from '../errors.ts';
import { ORG_ID } from '../rows.ts';

/** A role, or the auth layer's error: its gRPC code, Grafana's message, and why (for the journal; null when not an auth failure). */
export type RoleLookup =
  | { readonly role: PmmRole }
  | { readonly code: number; readonly message: string; readonly failure: AuthFailure | null };

/** pmm-auth §2.3: `Viewer`/`Editor`/`Admin` → viewer/editor/admin, anything else → none. */
function convertRole(role: unknown): PmmRole {
  return role === 'Viewer' ? 'viewer' : role === 'Editor' ? 'editor' : role === 'Admin' ? 'admin' : 'none';
}

/**
 * pmm-auth §2.3: any status but 200/202 is an error carrying Grafana's `message` ("" when
 * absent); 401/403 → code 16 (Unauthenticated), others → code 13 (Internal).
 */
function failed(answer: GrafanaAnswer, res: Resolution): RoleLookup | undefined {
  if (answer.status === 200 || answer.status === 202) return undefined;
  const body = answer.body as { message?: unknown } | null;
  const message = typeof body?.message === 'string' ? body.message : '';
  const code = answer.status === 401 || answer.status === 403 ? GRPC.Unauthenticated : GRPC.Internal;
  return { code, message, failure: res.ok ? null : res.reason };
}

/** Reads `{orgId, role}` of a token answer (pmm-auth §2.3): orgId must be 1, else role none. */
function tokenRole(answer: GrafanaAnswer, res: Resolution): RoleLookup {
  const err = failed(answer, res);
  if (err) return err;
  const k = answer.body as { orgId?: unknown; role?: unknown };
  return { role: k.orgId === ORG_ID ? convertRole(k.role) : 'none' };
}

/** pmm-auth §2.3 (3.x): pmm-managed falls back to /api/auth/key when Grafana's message says so. */
const NOT_SERVICE_ACCOUNT_TOKEN = 'Auth method is not service account token';

/** The caller's PMM role, asked of Grafana the way the profile's pmm-managed asks (pmm-auth §2.3). */
export function lookupRole(c: Ctx, deps: AppDeps): RoleLookup {
  const { profile } = deps;
  const { pmm } = credentialsOf(c, deps);
  if (profile.pmmTokenCheck === 'serviceAccountFirst') {
    if (pmm.token !== '') {
      // pmm-auth §2.3 (3.x): Grafana is asked with `Authorization: Bearer <t>`, whatever the caller sent;
      // grafana-auth §3.1: that header's credential is the key t itself (no second parse of the caller's header).
      const res = resolveCredential({ kind: 'apiKey', via: 'bearer', key: pmm.token }, deps);
      const sa = getCurrentServiceAccount(res, deps);
      const message = (sa.body as { message?: unknown } | null)?.message;
      if (typeof message === 'string' && message.includes(NOT_SERVICE_ACCOUNT_TOKEN))
        return tokenRole(getAPIKeyCurrent(res, profile), res);
      return tokenRole(sa, res);
    }
  } else if (pmm.apiKeyAuth) {
    // pmm-auth §2.3 (2.41): /api/auth/key with the caller's own headers.
    const res = resolutionOf(c, deps);
    return tokenRole(getAPIKeyCurrent(res, profile), res);
  }
  return userRole(resolutionOf(c, deps), profile);
}

/** pmm-auth §2.3: /api/user → isGrafanaAdmin → grafanaAdmin; else the role of the org-1 entry of /api/user/orgs. */
function userRole(res: Resolution, profile: AppDeps['profile']): RoleLookup {
  const user = getSignedInUser(res, profile);
  const userErr = failed(user, res);
  if (userErr) return userErr;
  if ((user.body as { isGrafanaAdmin?: unknown }).isGrafanaAdmin === true) return { role: 'grafanaAdmin' };
  const orgs = getSignedInUserOrgList(res, profile);
  const orgsErr = failed(orgs, res);
  if (orgsErr) return orgsErr;
  const entry = (orgs.body as { orgId?: unknown; role?: unknown }[]).find((o) => o.orgId === ORG_ID);
  return { role: entry ? convertRole(entry.role) : 'none' };
}
