/**
 * API key → service account migration (grafana-auth §5.2) and Percona's
 * `GET /api/auth/serviceaccount`, which migrates the caller's legacy key on first use (grafana-auth §5.3).
 * A migrated key keeps its secret and keeps working, as a token of its new account.
 */
import type { AppDeps, Ctx } from '../context.ts';
import { noteFailure, resolutionOf } from '../context.ts';
import { grafanaResponse } from '../errors.ts';
import type { Resolution } from '../identity/resolve.ts';
import { ORG_ID, type ApiKey, type ServiceAccount } from '../rows.ts';
import { errorAnswer, isAnswer, sendAnswer, signedIn, type GrafanaAnswer } from './answers.ts';
import { parseInt64 } from '../go/strconv.ts';
import { requireOrgAdmin } from './keys.ts';
import { facts, saFailure, serviceAccountProfile } from './service-accounts.ts';

/**
 * grafana-auth §5.2 [P11-SASTORE]: an account named `sa-autogen-<key name>`, login
 * `sa-autogen-<orgId>-<key name>`, the key's role; the key row is attached to it.
 * Undefined when the account exists already (the migration of that key fails).
 */
export function migrateKey(deps: Pick<AppDeps, 'store' | 'clock'>, key: ApiKey): ServiceAccount | undefined {
  const name = `sa-autogen-${key.name}`;
  const login = `sa-autogen-${key.orgId}-${key.name}`;
  if (deps.store.serviceAccountsOfOrg(key.orgId).some((sa) => sa.name === name || sa.login === login)) return undefined;
  const sa = deps.store.addServiceAccount(
    { orgId: key.orgId, name, login, role: key.role, isDisabled: false },
    deps.clock.nowMs(),
  );
  deps.store.updateKey(key.id, { serviceAccountId: sa.id });
  return sa;
}

const plainKeys = (deps: AppDeps): ApiKey[] => deps.store.keysOfOrg(ORG_ID).filter((k) => k.serviceAccountId === null);

/** getMigrationStatus — `GET /api/serviceaccounts/migrationstatus` → {"migrated": bool}; true when no plain key is left (UNVERIFIED). */
export function getMigrationStatus(deps: AppDeps) {
  return function getMigrationStatus(c: Ctx): Response {
    requireOrgAdmin(c, deps, 'serviceaccounts:write');
    return grafanaResponse(200, { migrated: plainKeys(deps).length === 0 });
  };
}

/** hideApiKeysTab — `POST /api/serviceaccounts/hideApiKeys` (grafana-auth §5.2): a UI flag, no effect here. */
export function hideApiKeys(deps: AppDeps) {
  return function hideApiKeys(c: Ctx): Response {
    requireOrgAdmin(c, deps, 'serviceaccounts:write');
    return grafanaResponse(200, { message: 'API keys hidden' });
  };
}

/** migrateApiKeysToServiceAccounts — `POST /api/serviceaccounts/migrate`: the 11.x result object (grafana-auth §5.2, pmm-auth §4.2). */
export function migrateAllKeys(deps: AppDeps) {
  return function migrateAllKeys(c: Ctx): Response {
    requireOrgAdmin(c, deps, 'serviceaccounts:write');
    const keys = plainKeys(deps);
    const failed = keys.filter((k) => !migrateKey(deps, k));
    const failedDetails = failed.map((k) => `API key name: ${k.name} - Error: service account already exists`); // wording UNVERIFIED
    return grafanaResponse(200, {
      total: keys.length,
      migrated: keys.length - failed.length,
      failed: failed.length,
      failedApikeyIDs: failed.map((k) => k.id),
      failedDetails,
    });
  };
}

/** convertToServiceAccount — `POST /api/serviceaccounts/migrate/:keyId` (grafana-auth §5.2). */
export function migrateOneKey(deps: AppDeps) {
  return function migrateOneKey(c: Ctx): Response {
    requireOrgAdmin(c, deps, 'serviceaccounts:write');
    const id = parseInt64(c.req.param('keyId'));
    const key = id === undefined ? undefined : deps.store.keyById(id);
    // grafana-auth §5.2: a bad id → 400 "Key ID is invalid" (an unknown or already migrated key: the same, UNVERIFIED).
    if (!key || key.orgId !== ORG_ID || key.serviceAccountId !== null) saFailure(deps, 'invalidKeyId');
    if (!migrateKey(deps, key)) saFailure(deps, 'migrationFailed');
    return grafanaResponse(200, { message: 'Service accounts migrated' });
  };
}

/**
 * Percona's `GET /api/auth/serviceaccount` (grafana-auth §5.3): the caller's service account.
 * A plain legacy key is first migrated into one (side effect!); a user is not a token caller.
 */
export function getCurrentServiceAccount(res: Resolution, deps: AppDeps): GrafanaAnswer {
  const who = signedIn(res, deps.profile);
  if (isAnswer(who)) return who;
  const errors = facts(deps).errors;
  if (who.kind === 'serviceAccount')
    return { status: 200, body: serviceAccountProfile(deps.store, who.serviceAccount) };
  // pmm-auth §2.3: a user caller → "Auth method is not service account token" (pmm-managed then falls back).
  if (who.kind !== 'apiKey') return errorAnswer(errors.notServiceAccountToken, false);
  const sa = deps.profile.behaviour.migrateKeyOnFirstUse ? migrateKey(deps, who.key) : undefined;
  // grafana-auth §5.3: the migration failed → 400 "Auth method is not API key type".
  if (!sa) return errorAnswer(errors.migrationFailed, false);
  return { status: 200, body: serviceAccountProfile(deps.store, sa) };
}

/** getCurrentServiceAccountHandler — the same over HTTP (registered without auth middleware). */
export function getCurrentServiceAccountHandler(deps: AppDeps) {
  return function getCurrentServiceAccountHandler(c: Ctx): Response {
    const res = resolutionOf(c, deps);
    noteFailure(c, res);
    return sendAnswer(getCurrentServiceAccount(res, deps));
  };
}
