/**
 * Tokens of the service accounts the suite creates on a PMM 3 target (grafana-auth §5.3), named
 * `pmmconf-<runId>-<label>` like its keys and logged in the same ledger; they go with their account
 * (service-accounts.ts) or are deleted one by one.
 */
import { adminAuth, send, withJson, type HttpResult } from './http.ts';
import { keyPrefix, ledger, uniqueName } from './keys.ts';
import { redactSecrets } from './redact.ts';
import { SA_API } from './service-accounts.ts';
import type { Target } from './target.ts';

export interface CreatedToken {
  readonly id: number;
  readonly name: string;
  readonly key: string;
  readonly saId: number;
}

/** POST /graph/api/serviceaccounts/:id/tokens (as admin unless `headers`); logs what it created. */
export async function postToken(
  t: Target,
  saId: number,
  body: Record<string, unknown>,
  headers: Record<string, string> = adminAuth(t),
): Promise<HttpResult> {
  const res = await send(t, {
    method: 'POST',
    path: `${SA_API}/${saId}/tokens`,
    headers: withJson(headers),
    body: JSON.stringify(body),
  });
  if (res.status === 200) {
    const tok = res.json<{ id?: unknown; name?: unknown }>();
    if (typeof tok.id === 'number' && typeof tok.name === 'string')
      ledger(t, 'created', tok.id, tok.name, 'token', saId);
  }
  return res;
}

/** Creates a token of service account `saId` (with a TTL); throws with the answer when refused. */
export async function createToken(
  t: Target,
  saId: number,
  label: string,
  secondsToLive?: number,
): Promise<CreatedToken> {
  const name = uniqueName(t, label);
  const res = await postToken(t, saId, secondsToLive === undefined ? { name } : { name, secondsToLive });
  if (res.status !== 200)
    throw new Error(`creating token ${name} of service account ${saId}: ${res.status} ${redactSecrets(res.text)}`);
  const tok = res.json<{ id: number; key: string }>();
  return { id: tok.id, name, key: tok.key, saId };
}

export async function deleteToken(t: Target, tok: CreatedToken): Promise<HttpResult> {
  if (!tok.name.startsWith(keyPrefix(t)))
    throw new Error(`refusing to delete token ${tok.name}: not created by this run`);
  const res = await send(t, {
    method: 'DELETE',
    path: `${SA_API}/${tok.saId}/tokens/${tok.id}`,
    headers: adminAuth(t),
  });
  if (res.status === 200) ledger(t, 'deleted', tok.id, tok.name, 'token', tok.saId);
  return res;
}

/** GET /graph/api/serviceaccounts/:id/tokens as admin (grafana-auth §4, grafana-auth §5.3). */
export function listTokens(t: Target, saId: number): Promise<HttpResult> {
  return send(t, { path: `${SA_API}/${saId}/tokens`, headers: adminAuth(t) });
}
