/**
 * The digests the store keeps instead of secrets: SHA-256 (a fast hash: the lookup must not cost
 * PBKDF2 per request), compared in constant time.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { memoize, memoizeBy } from './memo.ts';

/** SHA-256 of the parts, each followed by a NUL byte (so that `ab`, `c` and `a`, `bc` differ). */
export function digest(...parts: string[]): Buffer {
  const h = createHash('sha256');
  for (const p of parts) h.update(p).update('\0');
  return h.digest();
}

/** Constant-time equality of two digests of the same hash. */
export function sameDigest(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The digest the store keeps for a `glsa_` token: of the whole token (Grafana looks tokens up by hash, grafana-auth §2.2). */
export const tokenDigest: (token: string) => Buffer = memoize((token) => digest('token', token));
/** tokenDigest in hex, the index of the store's tokens. */
export const tokenDigestHex = memoize((token) => tokenDigest(token).toString('hex'));

/** The digest the store keeps for a legacy key: the secret `k`, salted with the key name (as Grafana salts PBKDF2, grafana-auth §2.1). */
const keyDigestOf = memoizeBy(
  // Issue 15: once per distinct key (mock/memo.ts); the name's length tells `ab`+`c` from `a`+`bc`.
  (key: { readonly name: string; readonly secret: string }) => `${key.name.length}:${key.name}${key.secret}`,
  (key) => digest('key', key.name, key.secret),
);
export const keyDigest = (name: string, secret: string): Buffer => keyDigestOf({ name, secret });
