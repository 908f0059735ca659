/**
 * pmm-managed's own reading of the caller's `Authorization` header (pmm-auth §2.3): whether it
 * is API-key auth (2.41 `IsAPIKeyAuth`) and which token it carries (3.x `utils/auth/token.go`).
 * These rules differ from Grafana's (mock/identity/authorization.ts) on purpose: they are PMM's.
 */
import { decodeStdBase64 } from '../go/base64.ts';
import { BASIC, BEARER, type BasicPair } from './authorization.ts';

/**
 * pmm-auth §2.3 (2.41) `IsAPIKeyAuth`: `Bearer` prefix (no space required, case-sensitive), or
 * `Basic` whose base64 (after TrimSpace) decodes to text starting with `<key user>:`.
 */
export function isAPIKeyAuth(header: string, keyBasicUsers: readonly string[]): boolean {
  if (header.startsWith(BEARER)) return true;
  if (!header.startsWith(BASIC)) return false;
  const decoded = decodeStdBase64(header.slice(BASIC.length).trim());
  if (!decoded) return false;
  const text = decoded.toString('utf8');
  return keyBasicUsers.some((u) => text.startsWith(`${u}:`));
}

/**
 * pmm-auth §2.3 (3.x): `Bearer <t>` → t; Basic decoding (grafana-auth §3.1 rules, `basic`) to
 * `<user>:<t>` with a token user (`api_key`, `service_token`) → t; otherwise no token ("").
 */
export function extractToken(header: string, basic: BasicPair | undefined, tokenUsers: readonly string[]): string {
  if (header.startsWith(`${BEARER} `)) return header.slice(BEARER.length + 1);
  return basic && tokenUsers.includes(basic.login) ? basic.password : '';
}
