/**
 * Grafana 9.2's reading of an `Authorization` header (grafana-auth §3.1, `initContextWithAPIKey`
 * and `initContextWithBasicAuth`): an API key first (Bearer, or Basic with a key user), then a
 * Basic user login. mock/identity/credentials.ts applies it once per request.
 */
import { decodeStdBase64 } from '../go/base64.ts';

export type Credential =
  | { readonly kind: 'none' }
  | { readonly kind: 'apiKey'; readonly via: 'bearer'; readonly key: string }
  | { readonly kind: 'apiKey'; readonly via: 'basic'; readonly login: string; readonly key: string }
  | { readonly kind: 'basic'; readonly login: string; readonly password: string }
  | { readonly kind: 'invalidBasic' }
  /** Issue 17: a login session's `grafana_session` cookie (mock/identity/session.ts), read only when no header credential came. */
  | { readonly kind: 'session'; readonly token: string };

export interface BasicPair {
  readonly login: string;
  readonly password: string;
}

export const BEARER = 'Bearer';
export const BASIC = 'Basic';

/** Go's `strings.SplitN(s, " ", 2)`. */
function splitFirstSpace(s: string): [string] | [string, string] {
  const i = s.indexOf(' ');
  return i < 0 ? [s] : [s.slice(0, i), s.slice(i + 1)];
}

/** Grafana `util.DecodeBasicAuthHeader`: `Basic` + one space + base64(`user:pass`), split on the first `:`. */
export function decodeBasicAuthHeader(header: string): BasicPair | undefined {
  const parts = splitFirstSpace(header);
  // grafana-auth §3.1: scheme "Basic" is case-sensitive; anything else decodes "" → error.
  const code = parts.length === 2 && parts[0] === BASIC ? parts[1] : '';
  const decoded = decodeStdBase64(code);
  if (!decoded) return undefined;
  const text = decoded.toString('utf8');
  const colon = text.indexOf(':');
  if (colon < 0) return undefined;
  return { login: text.slice(0, colon), password: text.slice(colon + 1) };
}

/**
 * grafana-auth §3.1 on a header whose Basic decoding (`basic`, from decodeBasicAuthHeader) is
 * already known. `keyBasicUsers`: the Basic user names that carry a key (`api_key`).
 */
export function credentialOf(
  header: string,
  basic: BasicPair | undefined,
  keyBasicUsers: readonly string[],
): Credential {
  const parts = splitFirstSpace(header);
  // grafana-auth §3.1: "Bearer" case-sensitive, split on the first space; the rest (even more spaces) is the key.
  if (parts.length === 2 && parts[0] === BEARER) {
    if (parts[1] !== '') return { kind: 'apiKey', via: 'bearer', key: parts[1] };
  } else if (basic && keyBasicUsers.includes(basic.login) && basic.password !== '') {
    // grafana-auth §3.1: Basic user name exactly `api_key` (case-sensitive) → the password is the key.
    return { kind: 'apiKey', via: 'basic', login: basic.login, key: basic.password };
  }
  // grafana-auth §3.1: an empty key is not an API-key request; fall through to Basic user auth.
  if (header === '') return { kind: 'none' };
  // grafana-auth §6.1: header present but not decodable as Basic → "Invalid Basic Auth Header".
  return basic ? { kind: 'basic', ...basic } : { kind: 'invalidBasic' };
}

/** grafana-auth §3.1 on a header string (for callers that hold one header, not a request). */
export function parseAuthorization(header: string | undefined, keyBasicUsers: readonly string[]): Credential {
  const value = header ?? '';
  return credentialOf(value, decodeBasicAuthHeader(value), keyBasicUsers);
}
