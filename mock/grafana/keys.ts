/** Grafana 9.2 legacy API-key endpoints under /graph/api/auth (grafana-auth §1). */
import type { AppDeps, Ctx } from '../context.ts';
import { noteFailure, resolutionOf } from '../context.ts';
import { accessDenied, grafanaError, grafanaResponse, reject } from '../errors.ts';
import type { Identity } from '../identity/resolve.ts';
import { newLegacyKey, type SecretShape } from '../identity/key-codec.ts';
import { parseBool, parseInt64 } from '../go/strconv.ts';
import { goAddSecondsUnix, goTime } from '../go/time.ts';
import { randomDigits } from '../random.ts';
import { ORG_ID, type ApiKey } from '../rows.ts';
import { getAPIKeyCurrent, isAnswer, isOrgAdmin, sendAnswer, signedIn } from './answers.ts';
import { bindAddKeyCommand, type AddKeyCommand } from './bind.ts';
import { byName } from './sql.ts';

/** grafana-auth §1.5: the list is capped at 100 rows. */
const LIST_LIMIT = 100;
/** Grafana's `api_key.name` column is VARCHAR(190); PMM 2.40+ keeps Grafana in PostgreSQL, which refuses longer (UNVERIFIED). */
const NAME_COLUMN_LENGTH = 190;

/**
 * reqSignedIn, then an RBAC `action` the caller's identity must hold (`holds`): otherwise 403 with
 * the access-control body, accessErrorId "ACE" + 10 digits (grafana-auth §1.1).
 */
export function requirePermission(c: Ctx, deps: AppDeps, action: string, holds: (who: Identity) => boolean): Identity {
  const res = resolutionOf(c, deps);
  const who = signedIn(res, deps.profile);
  if (isAnswer(who)) {
    noteFailure(c, res);
    throw reject(sendAnswer(who));
  }
  if (!holds(who)) {
    noteFailure(c, 'role too low');
    throw accessDenied(action, `ACE${randomDigits(deps.random, 10)}`);
  }
  return who;
}

/** reqSignedIn then RBAC `action` with the org-Admin fallback (grafana-auth §1.1; grafana-auth §5.3 for `serviceaccounts:*`). */
export function requireOrgAdmin(c: Ctx, deps: AppDeps, action: string): Identity {
  // grafana-auth §1.1: Viewer/Editor lack apikeys:* (org Admin's basic role holds them).
  return requirePermission(
    c,
    deps,
    action,
    (who) => isOrgAdmin(who) || !deps.profile.behaviour.managementNeedsOrgAdmin,
  );
}

/**
 * grafana-auth §1.3 step 4: only when `api_key_max_seconds_to_live` != -1 — 0 (or omitted) and
 * more than the limit are refused; a negative TTL passes here. The same for tokens (grafana-auth §5.3).
 */
export function checkMaxSecondsToLive(deps: Pick<AppDeps, 'settings'>, seconds: number): void {
  if (deps.settings.keyMaxSecondsToLive === -1) return;
  if (seconds === 0) throw grafanaError(400, 'Number of seconds before expiration should be set');
  if (seconds > deps.settings.keyMaxSecondsToLive)
    throw grafanaError(400, 'Number of seconds before expiration is greater than the global limit');
}

/** createAPIKey — `POST /api/auth/keys`, validation in Grafana's order (grafana-auth §1.2, grafana-auth §1.3, grafana-auth §1.4). */
export function createAPIKey(deps: AppDeps) {
  return async function createAPIKey(c: Ctx): Promise<Response> {
    const who = requireOrgAdmin(c, deps, 'apikeys:create');
    // grafana-auth §5.1: from 11.3 the handler only answers 410 (the route and its guards remain, LIKELY).
    if (deps.profile.legacyKeyCreation === 'removed') {
      throw grafanaError(
        410,
        'this endpoint has been removed, please use POST /api/serviceaccounts and POST /api/serviceaccounts/{id}/tokens instead',
      );
    }
    const cmd = bindAddKeyCommand(
      c.req.header('content-type'),
      await c.req.text(),
      deps.profile.keyRoles,
      deps.profile.roleParsing === 'titleCase',
    );
    // grafana-auth §1.3 step 1: any bind error → 400 "bad request data" with traceID.
    if (!cmd) throw grafanaError(400, 'bad request data', true);
    // grafana-auth §1.3 step 3: role ceiling (Admin includes every role, so unreachable in OSS).
    if (deps.profile.behaviour.keyRoleCeiling && !includesRole(who.orgRole, cmd.role))
      throw grafanaError(403, "Cannot assign a role higher than user's role");
    // grafana-auth §1.3 step 4: only when api_key_max_seconds_to_live != -1; a negative TTL passes here.
    checkMaxSecondsToLive(deps, cmd.secondsToLive);
    const negativeTtl = (): void => {
      if (cmd.secondsToLive < 0) throw grafanaError(400, 'negative value for SecondsToLive');
    };
    if (deps.profile.behaviour.keyCreateOrder === 'negativeTtlFirst') negativeTtl();
    // grafana-auth §1.3 step 6: duplicate (org, name) first → 409, even when the TTL is also negative.
    if (deps.store.keyByName(ORG_ID, cmd.name))
      throw grafanaError(409, 'API key, organization ID and name must be unique');
    negativeTtl();
    // grafana-auth §1.3 step 6: other DB error → 500 "Failed to add API Key" (here: name too long for the column).
    if (cmd.name.length > NAME_COLUMN_LENGTH) throw grafanaError(500, 'Failed to add API Key', true);
    const { row, key } = issueLegacyKey(deps, cmd);
    // grafana-auth §1.4: 200 {"id","name","key"} in that order; the only time the secret is shown.
    return grafanaResponse(200, { id: row.id, name: row.name, key });
  };
}

/** Stores a new legacy key and returns it with its secret (the caller has validated the command). */
export function issueLegacyKey(
  deps: Pick<AppDeps, 'store' | 'clock' | 'random'>,
  cmd: AddKeyCommand,
  shape?: SecretShape,
): { row: ApiKey; key: string } {
  const { key, secret } = newLegacyKey(deps.random, cmd.name, ORG_ID, shape);
  // grafana-auth §4: 0 → never; > 0 → now + seconds, in whole unix seconds.
  // grafana-auth §4: Grafana's store computes `now.Add(time.Second * time.Duration(secondsToLive)).Unix()`
  // (grafana/grafana AddAPIKey, 9.x sqlstore/apikey.go and 11.x apikeyimpl; the formula is not in the
  // reference): the int64 nanoseconds wrap beyond ~292 years, so a huge TTL lands within ±292 years
  // of now, possibly in the past (then the key is expired at once). Never a year Go cannot encode.
  const expires = cmd.secondsToLive > 0 ? goAddSecondsUnix(deps.clock.nowMs(), cmd.secondsToLive) : null;
  const row = deps.store.addKey(
    { orgId: ORG_ID, name: cmd.name, role: cmd.role, expires, createdMs: deps.clock.nowMs() },
    secret,
  );
  return { row, key };
}

/** Whether an org role includes another (None < Viewer < Editor < Admin). */
export function includesRole(have: string, want: string): boolean {
  const rank = ['None', 'Viewer', 'Editor', 'Admin'];
  return rank.indexOf(have) >= rank.indexOf(want);
}

/** getAPIKeys — `GET /api/auth/keys` (grafana-auth §1.5). */
export function getAPIKeys(deps: AppDeps) {
  return function getAPIKeys(c: Ctx): Response {
    requireOrgAdmin(c, deps, 'apikeys:read');
    const now = deps.clock.nowUnix();
    // grafana-auth §1.5: parsed leniently (strconv.ParseBool; invalid → false).
    const includeExpired = parseBool(c.req.query('includeExpired'));
    const rows = deps.store
      .keysOfOrg(ORG_ID)
      // grafana-auth §1.5: `service_account_id IS NULL` — tokens and migrated keys are not listed.
      .filter((k) => k.serviceAccountId === null)
      // grafana-auth §1.5: without includeExpired keep `expires IS NULL OR expires >= now` (boundary second listed).
      .filter((k) => includeExpired || k.expires === null || k.expires >= now)
      // grafana-auth §1.5: ORDER BY name (binary collation), LIMIT 100.
      .sort(byName)
      .slice(0, LIST_LIMIT);
    // grafana-auth §1.5: fields id, name, role, expiration (omitted for never); no secret.
    const body = rows.map((k) => ({
      id: k.id,
      name: k.name,
      role: k.role,
      ...(k.expires === null ? {} : { expiration: goTime(k.expires * 1000) }),
      ...(deps.profile.keyListLastUsedAt && k.lastUsedMs !== null ? { lastUsedAt: goTime(k.lastUsedMs) } : {}),
      ...(deps.profile.behaviour.keyListShowsSecret ? { key: k.secretDigest.toString('hex') } : {}),
    }));
    return grafanaResponse(200, body);
  };
}

/** deleteAPIKey — `DELETE /api/auth/keys/:id` (grafana-auth §1.6). */
export function deleteAPIKey(deps: AppDeps) {
  return function deleteAPIKey(c: Ctx): Response {
    requireOrgAdmin(c, deps, 'apikeys:delete');
    const id = parseInt64(c.req.param('id'));
    // grafana-auth §1.6: strconv.ParseInt(id, 10, 64) failure → 400 "id is invalid".
    if (id === undefined) throw grafanaError(400, 'id is invalid', true);
    // grafana-auth §1.6: no row in the caller's org → 404 "Failed to delete API key".
    const deleted = deps.profile.behaviour.keyDeleteRemoves
      ? deps.store.deleteKey(ORG_ID, id)
      : deps.store.keyById(id)?.orgId === ORG_ID;
    if (!deleted) throw grafanaError(404, 'Failed to delete API key', true);
    return grafanaResponse(200, { message: 'API key deleted' });
  };
}

/** getAPIKeyCurrentHandler — Percona's `GET /api/auth/key` over HTTP (grafana-auth §1.1). */
export function getAPIKeyCurrentHandler(deps: AppDeps) {
  return function getAPIKeyCurrentHandler(c: Ctx): Response {
    const res = resolutionOf(c, deps);
    noteFailure(c, res);
    return sendAnswer(getAPIKeyCurrent(res, deps.profile));
  };
}
