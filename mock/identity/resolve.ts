/**
 * Identity resolution, shared by Grafana's handlers and PMM's auth layer (in the product
 * pmm-managed asks Grafana who the caller is, pmm-auth §2.3): header → key codec → store
 * lookup → expiry against the clock → an identity, or a typed failure each layer renders.
 */
import type { Clock } from '../clock.ts';
import type { Deviation } from '../deviations.ts';
import type { AuthFailureKind, OrgRole, Profile } from '../profiles/types.ts';
import { ORG_ID, type ApiKey, type ServiceAccount, type Store, type User } from '../store.ts';
import { parseAuthorization, type Credential } from './authorization.ts';
import { decodeLegacyKey, decodePrefixedKey, PREFIXED_KEY_START } from './key-codec.ts';

export type Identity =
  | { readonly kind: 'user'; readonly user: User; readonly orgId: number; readonly orgRole: OrgRole; readonly isGrafanaAdmin: boolean }
  | { readonly kind: 'apiKey'; readonly key: ApiKey; readonly orgId: number; readonly orgRole: OrgRole; readonly isGrafanaAdmin: false }
  /** A token or a migrated key of a service account: the account's org role applies (grafana-auth §2.2, §3.3). */
  | {
      readonly kind: 'serviceAccount';
      readonly serviceAccount: ServiceAccount;
      readonly key: ApiKey;
      readonly orgId: number;
      readonly orgRole: OrgRole;
      readonly isGrafanaAdmin: false;
    };

export type Resolution =
  | { readonly ok: true; readonly credential: Credential; readonly identity: Identity }
  /** `failure` null: no credentials at all (anonymous). */
  | { readonly ok: false; readonly credential: Credential; readonly failure: AuthFailureKind | null };

/** Grafana brute-force protection: 5 failed logins within 5 minutes lock the login (pmm-auth §2.3; constants LIKELY). */
export const MAX_FAILED_LOGINS = 5;
export const FAILED_LOGIN_WINDOW_MS = 5 * 60 * 1000;

export interface ResolveContext {
  readonly store: Store;
  readonly clock: Clock;
  readonly profile: Profile;
  readonly deviations?: ReadonlySet<Deviation>;
}

export function resolveIdentity(authorization: string | undefined, ctx: ResolveContext): Resolution {
  const credential = parseAuthorization(authorization, ctx.profile.keyBasicUsers);
  const fail = (failure: AuthFailureKind | null): Resolution => ({ ok: false, credential, failure });
  switch (credential.kind) {
    case 'none':
      return fail(null);
    case 'invalidBasic':
      return fail('invalidBasicHeader');
    case 'basic':
      return resolveUser(credential.login, credential.password, ctx, credential);
    case 'apiKey': {
      const found = resolveKey(credential.key, ctx);
      return typeof found === 'string' ? fail(found) : { ok: true, credential, identity: found };
    }
  }
}

function resolveKey(key: string, ctx: ResolveContext): Identity | AuthFailureKind {
  const { store } = ctx;
  if (key.startsWith(PREFIXED_KEY_START)) {
    // grafana-auth §2.2: the checksum is checked before any lookup; a bad format/checksum is its own failure (9.2: 500).
    if (!decodePrefixedKey(key)) return 'malformedPrefixedKey';
    const row = store.keyByToken(key);
    // grafana-auth §3.2, §3.5: a well-formed but unknown token → "not found".
    return row ? checkRow(row, ctx) : 'unknownApiKey';
  }
  const decoded = decodeLegacyKey(key);
  // grafana-auth §2.1: not base64 / not JSON → invalid API key.
  if (!decoded) return 'invalidApiKey';
  const row: ApiKey | undefined = store.keyByName(decoded.orgId, decoded.name);
  // grafana-auth §3.2, §3.5: an unknown name and a wrong secret are distinct failures (the same body in 9.2).
  if (!row) return 'unknownApiKey';
  if (!store.secretMatches(row, decoded.secret)) return 'invalidApiKey';
  return checkRow(row, ctx);
}

/** grafana-auth §3.2/§3.3: expiry, then the linked service account (missing → 500, disabled → 401). */
function checkRow(row: ApiKey, { store, clock, deviations }: ResolveContext): Identity | AuthFailureKind {
  // grafana-auth §4: rejected when expires <= now (unix seconds), i.e. at the boundary second.
  if (row.expires !== null && row.expires <= clock.nowUnix() && !deviations?.has('no-expiry')) return 'expiredApiKey';
  // grafana-auth §3.3: last use is recorded on every successful request.
  const used = store.updateKey(row.id, { lastUsedMs: clock.nowMs() }) ?? row;
  if (used.serviceAccountId === null) return { kind: 'apiKey', key: used, orgId: used.orgId, orgRole: used.role, isGrafanaAdmin: false };
  const sa = store.serviceAccountById(used.serviceAccountId);
  if (!sa) return 'missingServiceAccount';
  if (sa.isDisabled && !deviations?.has('disabled-works')) return 'disabledServiceAccount';
  return { kind: 'serviceAccount', serviceAccount: sa, key: used, orgId: used.orgId, orgRole: sa.role, isGrafanaAdmin: false };
}

function resolveUser(login: string, password: string, { store, clock }: ResolveContext, credential: Credential): Resolution {
  const now = clock.nowMs();
  const fail: Resolution = { ok: false, credential, failure: 'invalidCredentials' };
  // grafana-auth §6.1: a locked-out user gets the same "invalid username or password".
  if (store.failedLoginsSince(login, now - FAILED_LOGIN_WINDOW_MS) >= MAX_FAILED_LOGINS) return fail;
  // grafana-auth §6.1: empty password → same failure (not counted as an attempt).
  if (password === '') return fail;
  const user = store.findUser(login);
  if (!user || !store.passwordMatches(user, password)) {
    store.recordFailedLogin(login, now);
    return fail;
  }
  return { ok: true, credential, identity: { kind: 'user', user, orgId: ORG_ID, orgRole: user.orgRole, isGrafanaAdmin: user.isGrafanaAdmin } };
}
