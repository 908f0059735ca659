/**
 * Service-account tokens under /graph/api/serviceaccounts/:id/tokens (grafana-auth §5.3, grafana-auth §4):
 * `glsa_` tokens (grafana-auth §2.2) in the same table and unique (org, name) index as legacy keys.
 */
import type { AppDeps, Ctx } from '../context.ts';
import { grafanaResponse } from '../errors.ts';
import { newPrefixedKey } from '../identity/key-codec.ts';
import { ORG_ID, type ApiKey, type ServiceAccount } from '../rows.ts';
import { jsonInt64 } from '../go/json.ts';
import { parseInt64 } from '../go/strconv.ts';
import { goAddSecondsUnix, goTime } from '../go/time.ts';
import { bindJsonFields } from './bind.ts';
import { checkMaxSecondsToLive, requireOrgAdmin } from './keys.ts';
import { byName } from './sql.ts';
import { accountOfPath, saFailure } from './service-accounts.ts';

/** grafana-auth §4: `secondsUntilExpiration` is 0 unless the expiry is within 7 days and not yet passed. */
const SEVEN_DAYS_S = 7 * 24 * 3600;

/** Stores a new `glsa_` token of `sa` (the caller has validated the command); returns the row and the token. */
export function issueServiceAccountToken(
  deps: Pick<AppDeps, 'store' | 'clock' | 'random'>,
  sa: ServiceAccount,
  cmd: { name: string; secondsToLive: number },
): { row: ApiKey; key: string } {
  const key = newPrefixedKey(deps.random, 'sa');
  // grafana-auth §4: 0 → never; > 0 → now + seconds (whole unix seconds).
  // grafana-auth §5.3 (LIKELY: tokens go through the same apikey store AddAPIKey as legacy keys): Go's
  // `now.Add(time.Second * time.Duration(secondsToLive))` wraps beyond ~292 years (see issueLegacyKey).
  const expires = cmd.secondsToLive > 0 ? goAddSecondsUnix(deps.clock.nowMs(), cmd.secondsToLive) : null;
  // grafana-auth §2.2: a token row's own role is always Viewer; the account's org role applies.
  const row = deps.store.addToken(
    {
      orgId: sa.orgId,
      name: cmd.name,
      role: 'Viewer',
      expires,
      createdMs: deps.clock.nowMs(),
      serviceAccountId: sa.id,
    },
    key,
  );
  return { row, key };
}

/** grafana-auth §4: a token list item, fields in [P92-TOK] order. */
function tokenDto(k: ApiKey, nowMs: number): Record<string, unknown> {
  const nowS = nowMs / 1000;
  const left = k.expires === null ? 0 : k.expires - nowS;
  return {
    id: k.id,
    name: k.name,
    created: goTime(k.createdMs),
    lastUsedAt: k.lastUsedMs === null ? null : goTime(k.lastUsedMs),
    expiration: k.expires === null ? null : goTime(k.expires * 1000),
    secondsUntilExpiration: left > 0 && left <= SEVEN_DAYS_S ? left : 0,
    hasExpired: k.expires !== null && k.expires < nowS,
    isRevoked: false,
  };
}

/** listTokens — `GET /api/serviceaccounts/:id/tokens` (grafana-auth §4, grafana-auth §5.3). */
export function listTokens(deps: AppDeps) {
  return function listTokens(c: Ctx): Response {
    requireOrgAdmin(c, deps, 'serviceaccounts:read');
    const sa = accountOfPath(deps, c, 'tokenNotFoundForAccount');
    // Ordered by name (Grafana's SQL order UNVERIFIED).
    const rows = deps.store.tokensOf(sa.id).sort(byName);
    return grafanaResponse(
      200,
      rows.map((k) => tokenDto(k, deps.clock.nowMs())),
    );
  };
}

/** createToken — `POST /api/serviceaccounts/:id/tokens`, checks in [P92-TOK] order (grafana-auth §5.3). */
export function createToken(deps: AppDeps) {
  return async function createToken(c: Ctx): Promise<Response> {
    requireOrgAdmin(c, deps, 'serviceaccounts:write');
    // grafana-auth §5.3: path id (400) → account in the caller's org (404) → bind (400).
    const sa = accountOfPath(deps, c, 'tokenNotFoundForAccount');
    const f = bindJsonFields(c.req.header('content-type'), await c.req.text());
    const name = f?.name;
    const seconds = f?.secondstolive === undefined || f.secondstolive === null ? 0 : jsonInt64(f.secondstolive);
    // grafana-auth §5.3: `name` is required; PMM's extra `role` field is ignored.
    if (!f || typeof name !== 'string' || name === '' || seconds === undefined) saFailure(deps, 'badRequest');
    // grafana-auth §5.3: the same api_key_max_seconds_to_live rules and messages as grafana-auth §1.3.
    checkMaxSecondsToLive(deps, seconds);
    // grafana-auth §5.3: one unique index with legacy keys; the duplicate check first, as in the legacy store (LIKELY).
    if (deps.store.keyByName(ORG_ID, name)) saFailure(deps, 'tokenExists');
    if (seconds < 0) saFailure(deps, 'tokenNegativeTtl');
    const { row, key } = issueServiceAccountToken(deps, sa, { name, secondsToLive: seconds });
    // grafana-auth §5.3: 200 {"id","name","key":"glsa_…"}.
    return grafanaResponse(200, { id: row.id, name: row.name, key });
  };
}

/** deleteToken — `DELETE /api/serviceaccounts/:id/tokens/:tokenId` (grafana-auth §5.3). */
export function deleteToken(deps: AppDeps) {
  return function deleteToken(c: Ctx): Response {
    requireOrgAdmin(c, deps, 'serviceaccounts:write');
    const sa = accountOfPath(deps, c, 'tokenNotFoundForAccount');
    const tokenId = parseInt64(c.req.param('tokenId'));
    // grafana-auth §5.3: a token that is not this account's → 404 "Failed to delete service account token".
    if (tokenId === undefined || !deps.store.deleteKey(ORG_ID, tokenId, sa.id)) saFailure(deps, 'tokenDeleteMissing');
    return grafanaResponse(200, { message: 'Service account token deleted' });
  };
}
