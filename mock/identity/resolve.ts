/**
 * Identity resolution, shared by Grafana's handlers and PMM's auth layer (in the product
 * pmm-managed asks Grafana who the caller is, pmm-auth §2.3): credential (parsed once per
 * request, mock/identity/credentials.ts) → key codec → store lookup → expiry against the clock →
 * an identity, or a typed failure each layer renders plus the reason the journal records.
 */
import type { Clock } from '../clock.ts';
import type { AuthFailure } from '../journal.ts';
import type { AuthFailureKind, Behaviour, OrgRole, Profile } from '../profiles/types.ts';
import { ORG_ID, type ApiKey, type ServiceAccount, type User } from '../rows.ts';
import type { Store } from '../store.ts';
import type { Credential } from './authorization.ts';
import { decodeLegacyKey, decodePrefixedKeyOrProblem, PREFIXED_KEY_START } from './key-codec.ts';

export type Identity =
  | {
      readonly kind: 'user';
      readonly user: User;
      readonly orgId: number;
      readonly orgRole: OrgRole;
      readonly isGrafanaAdmin: boolean;
    }
  | {
      readonly kind: 'apiKey';
      readonly key: ApiKey;
      readonly orgId: number;
      readonly orgRole: OrgRole;
      readonly isGrafanaAdmin: false;
    }
  /** A token or a migrated key of a service account: the account's org role applies (grafana-auth §2.2, grafana-auth §3.3). */
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
  /**
   * `failure`: how the profile's Grafana answers (null: no credentials at all, anonymous);
   * `reason`: why, for the journal (several reasons share one answer).
   */
  | {
      readonly ok: false;
      readonly credential: Credential;
      readonly failure: AuthFailureKind | null;
      readonly reason: AuthFailure;
    };

type Failed = { readonly failure: AuthFailureKind; readonly reason: AuthFailure };

/** Grafana brute-force protection: 5 failed logins within 5 minutes lock the login (pmm-auth §2.3; constants LIKELY). */
export const MAX_FAILED_LOGINS = 5;
export const FAILED_LOGIN_WINDOW_MS = 5 * 60 * 1000;

export interface ResolveContext {
  readonly store: Store;
  readonly clock: Clock;
  readonly profile: Profile;
  /** grafana-auth §6.1: `[auth.basic] enabled`; absent = on. */
  readonly settings?: { readonly basicAuthEnabled: boolean };
}

/** Resolves a credential (the caller's, or the `Bearer <t>` pmm-managed 3.x asks Grafana with). */
export function resolveCredential(credential: Credential, ctx: ResolveContext): Resolution {
  const fail = ({ failure, reason }: Failed): Resolution => ({ ok: false, credential, failure, reason });
  // auth-bugs §B9: with basic auth disabled, Basic credentials (users and `api_key:` alike) are refused; Bearer works.
  const viaBasic = credential.kind === 'basic' || (credential.kind === 'apiKey' && credential.via === 'basic');
  if (viaBasic && ctx.settings?.basicAuthEnabled === false)
    return fail({ failure: 'basicAuthDisabled', reason: 'basic auth disabled' });
  switch (credential.kind) {
    case 'none':
      return { ok: false, credential, failure: null, reason: 'no credentials' };
    case 'invalidBasic':
      return fail({ failure: 'invalidBasicHeader', reason: 'invalid basic header' });
    case 'basic': {
      const found = resolveUser(credential.login, credential.password, ctx);
      return 'reason' in found ? fail(found) : { ok: true, credential, identity: found };
    }
    case 'apiKey': {
      const found = resolveKey(credential.key, ctx);
      return 'reason' in found ? fail(found) : { ok: true, credential, identity: found };
    }
    case 'session': {
      // Issue 17: a session that is unknown or expired leaves the caller anonymous (UNVERIFIED: Grafana drops the cookie and goes on).
      const found = ctx.store.sessions.lookup(credential.token, ctx.clock.nowMs());
      const user = 'userId' in found ? ctx.store.userById(found.userId) : undefined;
      if (!user)
        return { ok: false, credential, failure: null, reason: 'reason' in found ? found.reason : 'unknown session' };
      return { ok: true, credential, identity: userIdentity(user) };
    }
  }
}

/** For callers outside a request that hold one header string: Grafana's parse (grafana-auth §3.1), then resolution. */
function resolveKey(key: string, ctx: ResolveContext): Identity | Failed {
  const { store } = ctx;
  if (key.startsWith(PREFIXED_KEY_START)) {
    // grafana-auth §2.2: the format and checksum are checked before any lookup; a bad one is its own failure (9.2: 500).
    const decoded = decodePrefixedKeyOrProblem(key);
    if (decoded === 'malformed') return { failure: 'malformedPrefixedKey', reason: 'malformed key' };
    if (decoded === 'checksum') return { failure: 'malformedPrefixedKey', reason: 'bad checksum' };
    const row = store.keyByToken(key);
    // grafana-auth §3.2, grafana-auth §3.5: a well-formed but unknown token → "not found".
    return row ? checkRow(row, ctx) : { failure: 'unknownApiKey', reason: 'unknown key' };
  }
  const decoded = decodeLegacyKey(key);
  // grafana-auth §2.1: not base64 / not JSON → invalid API key.
  if (!decoded) return { failure: 'invalidApiKey', reason: 'malformed key' };
  const row: ApiKey | undefined = store.keyByName(decoded.orgId, decoded.name);
  // grafana-auth §3.2, grafana-auth §3.5: an unknown name and a wrong secret are distinct failures (the same body in 9.2).
  if (!row) return { failure: 'unknownApiKey', reason: 'unknown key' };
  if (!store.secretMatches(row, decoded.secret)) return { failure: 'invalidApiKey', reason: 'wrong secret' };
  return checkRow(row, ctx);
}

/** grafana-auth §3.2, grafana-auth §3.3: expiry, then the linked service account (missing → 500, disabled → 401). */
function checkRow(row: ApiKey, { store, clock, profile }: ResolveContext): Identity | Failed {
  // grafana-auth §4: rejected when expires <= now (unix seconds), i.e. at the boundary second.
  if (row.expires !== null && isExpired(row.expires, clock.nowUnix(), profile.behaviour.keyExpiry))
    return { failure: 'expiredApiKey', reason: 'expired' };
  // grafana-auth §3.3: last use is recorded on every successful request (issue 15: a row already
  // used in this millisecond is left as it is, not copied).
  const now = clock.nowMs();
  const used = row.lastUsedMs === now ? row : (store.updateKey(row.id, { lastUsedMs: now }) ?? row);
  if (used.serviceAccountId === null)
    return { kind: 'apiKey', key: used, orgId: used.orgId, orgRole: used.role, isGrafanaAdmin: false };
  const sa = store.serviceAccountById(used.serviceAccountId);
  if (!sa) return { failure: 'missingServiceAccount', reason: 'missing service account' };
  if (sa.isDisabled && profile.behaviour.disabledAccountsRefused)
    return { failure: 'disabledServiceAccount', reason: 'disabled service account' };
  return {
    kind: 'serviceAccount',
    serviceAccount: sa,
    key: used,
    orgId: used.orgId,
    orgRole: sa.role,
    isGrafanaAdmin: false,
  };
}

/** grafana-auth §4: `expires <= now` in the product; the deviations move or drop the boundary. */
function isExpired(expires: number, nowUnix: number, rule: Behaviour['keyExpiry']): boolean {
  if (rule === 'never') return false;
  return rule === 'atExpirySecond' ? expires <= nowUnix : expires < nowUnix;
}

function resolveUser(login: string, password: string, { store, clock }: ResolveContext): Identity | Failed {
  const now = clock.nowMs();
  const fail = (reason: AuthFailure): Failed => ({ failure: 'invalidCredentials', reason });
  // grafana-auth §6.1: a locked-out user gets the same "invalid username or password".
  if (store.failedLoginsSince(login, now - FAILED_LOGIN_WINDOW_MS) >= MAX_FAILED_LOGINS) return fail('locked out');
  // grafana-auth §6.1: empty password → same failure (not counted as an attempt).
  if (password === '') return fail('empty password');
  const user = store.findUser(login);
  if (!user || !store.passwordMatches(user, password)) {
    store.recordFailedLogin(login, now);
    return fail(user ? 'wrong password' : 'unknown user');
  }
  return userIdentity(user);
}

const userIdentity = (user: User): Identity => ({
  kind: 'user',
  user,
  orgId: ORG_ID,
  orgRole: user.orgRole,
  isGrafanaAdmin: user.isGrafanaAdmin,
});
