/**
 * How pmm-managed asks Grafana for the caller's role (pmm-auth §2.3, client.go): the token path
 * reads Percona's `/api/auth/key` (2.41) or `/api/auth/serviceaccount` first (3.x), the user path
 * reads `/api/user` and `/api/user/orgs`. Grafana's answers come from the same functions the
 * /graph/api handlers use.
 */
import type { AppDeps, Ctx } from '../context.ts';
import { resolutionOf } from '../context.ts';
import { decodeStdBase64 } from '../identity/go-base64.ts';
import { decodeBasicAuthHeader } from '../identity/authorization.ts';
import { resolveIdentity, type Resolution } from '../identity/resolve.ts';
import { getAPIKeyCurrent, getSignedInUser, getSignedInUserOrgList, type GrafanaAnswer } from '../grafana/answers.ts';
import { getCurrentServiceAccount } from '../grafana/sa-migration.ts';
import type { PmmRole } from '../profiles/types.ts';
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
 * pmm-auth §2.3 (3.x, `utils/auth/token.go`): `Bearer <t>` → t; Basic decoding to `<user>:<t>`
 * with a token user (`api_key`, `service_token`) → t; otherwise no token ("").
 */
export function extractToken(authorization: string | undefined, tokenUsers: readonly string[]): string {
  const h = authorization ?? '';
  if (h.startsWith('Bearer ')) return h.slice('Bearer '.length);
  const basic = decodeBasicAuthHeader(h);
  return basic && tokenUsers.includes(basic.login) ? basic.password : '';
}

/** Reads `{orgId, role}` of a token answer (pmm-auth §2.3): orgId must be 1, else role none. */
function tokenRole(answer: GrafanaAnswer): RoleLookup {
  const err = failed(answer);
  if (err) return err;
  const k = answer.body as { orgId?: unknown; role?: unknown };
  return { role: k.orgId === ORG_ID ? convertRole(k.role) : 'none' };
}

/** pmm-auth §2.3 (3.x): pmm-managed falls back to /api/auth/key when Grafana's message says so. */
const NOT_SERVICE_ACCOUNT_TOKEN = 'Auth method is not service account token';

/** The caller's PMM role, asked of Grafana the way the profile's pmm-managed asks (pmm-auth §2.3). */
export function lookupRole(c: Ctx, deps: AppDeps): RoleLookup {
  const { profile } = deps;
  const authorization = c.req.header('authorization');
  if (profile.pmmTokenCheck === 'serviceAccountFirst') {
    const tokenUsers = deps.deviations.has('service-token-refused') ? ['api_key'] : profile.pmmTokenBasicUsers;
    const token = extractToken(authorization, tokenUsers);
    if (token !== '') {
      // pmm-auth §2.3 (3.x): Grafana is asked with `Authorization: Bearer <t>`, whatever the caller sent.
      const res = resolveIdentity(`Bearer ${token}`, deps);
      const sa = getCurrentServiceAccount(res, deps);
      const message = (sa.body as { message?: unknown } | null)?.message;
      if (typeof message === 'string' && message.includes(NOT_SERVICE_ACCOUNT_TOKEN)) return tokenRole(getAPIKeyCurrent(res, profile));
      return tokenRole(sa);
    }
  } else if (isAPIKeyAuth(authorization, profile.pmmTokenBasicUsers)) {
    // pmm-auth §2.3 (2.41): /api/auth/key with the caller's own headers.
    return tokenRole(getAPIKeyCurrent(resolutionOf(c, deps), profile));
  }
  return userRole(resolutionOf(c, deps), profile);
}

/** pmm-auth §2.3: /api/user → isGrafanaAdmin → grafanaAdmin; else the role of the org-1 entry of /api/user/orgs. */
function userRole(res: Resolution, profile: AppDeps['profile']): RoleLookup {
  const user = getSignedInUser(res, profile);
  const userErr = failed(user);
  if (userErr) return userErr;
  if ((user.body as { isGrafanaAdmin?: unknown }).isGrafanaAdmin === true) return { role: 'grafanaAdmin' };
  const orgs = getSignedInUserOrgList(res, profile);
  const orgsErr = failed(orgs);
  if (orgsErr) return orgsErr;
  const entry = (orgs.body as { orgId?: unknown; role?: unknown }[]).find((o) => o.orgId === ORG_ID);
  return { role: entry ? convertRole(entry.role) : 'none' };
}
