/**
 * Grafana endpoints that PMM's auth layer calls (pmm-auth §2.3), written as functions that
 * return Grafana's answer (status + JSON body). The HTTP handlers send these answers as they
 * are; the auth layer reads them the way pmm-managed's client does.
 */
import { createHash } from 'node:crypto';
import { grafanaErrorBodyOf, grafanaResponse } from '../errors.ts';
import { goTime } from '../go/time.ts';
import type { Identity, Resolution } from '../identity/resolve.ts';
import type { GrafanaError, Profile } from '../profiles/types.ts';
import type { User } from '../rows.ts';
import { ORG_ID } from '../rows.ts';

export interface GrafanaAnswer {
  readonly status: number;
  readonly body: unknown;
  /** The context handler (not a route handler) wrote it: Grafana then sends `; charset=UTF-8`. */
  readonly fromContext?: boolean;
}

/** Grafana's org 1 in PMM. */
export const MAIN_ORG_NAME = 'Main Org.';

export function errorAnswer(err: GrafanaError, fromContext: boolean): GrafanaAnswer {
  return { status: err.status, body: grafanaErrorBodyOf(err, fromContext), fromContext };
}

/** Sends an answer as Grafana does. */
export function sendAnswer(answer: GrafanaAnswer): Response {
  return grafanaResponse(answer.status, answer.body, answer.fromContext);
}

/**
 * The context handler plus `reqSignedIn`: a failed credential → its failure (grafana-auth §3.2,
 * grafana-auth §6.1); no credential → 401 "Unauthorized" (grafana-auth §3.6); else the identity.
 */
export function signedIn(res: Resolution, profile: Profile): Identity | GrafanaAnswer {
  if (res.ok) return res.identity;
  return errorAnswer(profile.authFailures[res.failure ?? 'unauthorized'], true);
}

export function isAnswer(x: Identity | GrafanaAnswer): x is GrafanaAnswer {
  return 'status' in x;
}

/** getAPIKeyCurrent — Percona's `GET /api/auth/key`: the key used to authenticate (grafana-auth §1.1). */
export function getAPIKeyCurrent(res: Resolution, profile: Profile): GrafanaAnswer {
  const who = signedIn(res, profile);
  if (isAnswer(who)) return who;
  // grafana-auth §1.1 (UNVERIFIED): a caller that is not a key has ApiKeyID 0 → lookup fails → 500.
  // A service-account token answers with its row and the account's role (UNVERIFIED, pmm-auth §2.3).
  if (who.kind === 'user')
    return errorAnswer({ status: 500, message: 'Failed to list api keys', traceID: true }, false);
  const k = who.key;
  // pmm-auth §2.3: PMM reads `orgId` and `role`, so the 9.2 fork must send orgId (field list UNVERIFIED).
  const body: Record<string, unknown> = { id: k.id, orgId: k.orgId, name: k.name, role: who.orgRole };
  if (k.expires !== null) body.expiration = goTime(k.expires * 1000);
  return { status: 200, body };
}

/** grafana-auth §6.2: `UserProfileDTO`, fields in Grafana's order; avatar under PMM's /graph sub-URL. */
export function userProfile(user: User): Record<string, unknown> {
  const avatar = createHash('md5').update(user.email.trim().toLowerCase()).digest('hex');
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    login: user.login,
    theme: '',
    orgId: ORG_ID,
    isGrafanaAdmin: user.isGrafanaAdmin,
    isDisabled: false,
    isExternal: false,
    authLabels: [],
    updatedAt: goTime(user.createdMs),
    createdAt: goTime(user.createdMs),
    avatarUrl: `/graph/avatar/${avatar}`,
  };
}

/** getSignedInUser — `GET /api/user` (grafana-auth §6.2). */
export function getSignedInUser(res: Resolution, profile: Profile): GrafanaAnswer {
  const who = signedIn(res, profile);
  if (isAnswer(who)) return who;
  // grafana-auth §6.2: a caller that is not a user gets the profile's answer (9.x: 404 "user not found").
  if (who.kind !== 'user') return errorAnswer(profile.userEndpointForKeys, false);
  return { status: 200, body: userProfile(who.user) };
}

/** getSignedInUserOrgList — `GET /api/user/orgs`: `[{orgId,name,role}]`; `[]` for a key (inferred, UNVERIFIED). */
export function getSignedInUserOrgList(res: Resolution, profile: Profile): GrafanaAnswer {
  const who = signedIn(res, profile);
  if (isAnswer(who)) return who;
  if (who.kind !== 'user') return { status: 200, body: [] };
  return { status: 200, body: [{ orgId: ORG_ID, name: MAIN_ORG_NAME, role: who.orgRole }] };
}

/** Who may manage keys: org role Admin (RBAC `apikeys:*`, grafana-auth §1.1). */
export function isOrgAdmin(who: Identity): boolean {
  return who.orgRole === 'Admin';
}
