/**
 * Parses the `Authorization` header exactly as Grafana 9.2's context handler does
 * (grafana-auth §3.1): API key first (Bearer, or Basic with a key user), then Basic user login.
 */
import { decodeStdBase64 } from './go-base64.ts';

export type Credential =
  | { readonly kind: 'none' }
  | { readonly kind: 'apiKey'; readonly via: 'bearer'; readonly key: string }
  | { readonly kind: 'apiKey'; readonly via: 'basic'; readonly login: string; readonly key: string }
  | { readonly kind: 'basic'; readonly login: string; readonly password: string }
  | { readonly kind: 'invalidBasic' };

const BEARER = 'Bearer';
const BASIC = 'Basic';

/** Go's `strings.SplitN(s, " ", 2)`. */
function splitFirstSpace(s: string): [string] | [string, string] {
  const i = s.indexOf(' ');
  return i < 0 ? [s] : [s.slice(0, i), s.slice(i + 1)];
}

/** Grafana `util.DecodeBasicAuthHeader`: `Basic` + one space + base64(`user:pass`), split on the first `:`. */
export function decodeBasicAuthHeader(header: string): { login: string; password: string } | undefined {
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
 * grafana-auth §3.1 (`initContextWithAPIKey`, `initContextWithBasicAuth`).
 * `keyBasicUsers` is the profile's list of Basic user names that carry a key (`api_key`).
 */
export function parseAuthorization(header: string | undefined, keyBasicUsers: readonly string[]): Credential {
  const value = header ?? '';
  const parts = splitFirstSpace(value);
  // grafana-auth §3.1: "Bearer" case-sensitive, split on the first space; the rest (even more spaces) is the key.
  if (parts.length === 2 && parts[0] === BEARER) {
    if (parts[1] !== '') return { kind: 'apiKey', via: 'bearer', key: parts[1] };
  } else {
    const basic = decodeBasicAuthHeader(value);
    // grafana-auth §3.1: Basic user name exactly `api_key` (case-sensitive) → the password is the key.
    if (basic && keyBasicUsers.includes(basic.login) && basic.password !== '') return { kind: 'apiKey', via: 'basic', login: basic.login, key: basic.password };
  }
  // grafana-auth §3.1: an empty key is not an API-key request; fall through to Basic user auth.
  if (value === '') return { kind: 'none' };
  const basic = decodeBasicAuthHeader(value);
  // grafana-auth §6.1: header present but not decodable as Basic → "Invalid Basic Auth Header".
  return basic ? { kind: 'basic', ...basic } : { kind: 'invalidBasic' };
}
