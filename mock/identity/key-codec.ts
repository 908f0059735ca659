/**
 * Key formats (grafana-auth §2): the legacy base64 JSON `{"k","n","id"}` key and the
 * prefixed `glsa_<32 alnum>_<crc32 hex>` service-account token.
 */
import { crc32 } from 'node:zlib';
import { randomAlphanumeric, type RandomBytes } from '../random.ts';
import { decodeStdBase64 } from '../go/base64.ts';
import { foldedFields } from '../go/json.ts';
import { memoize } from '../memo.ts';

export interface LegacyKey {
  readonly secret: string;
  readonly name: string;
  readonly orgId: number;
}

/** grafana-auth §2.1: base64 (padded) of compact JSON with fields in order k, n, id; `k` = 32 alnum chars. */
export function newLegacyKey(
  random: RandomBytes,
  name: string,
  orgId: number,
  shape: SecretShape = 'grafana',
): { key: string; secret: string } {
  const json = (k: string) => JSON.stringify({ k, n: name, id: orgId });
  let secret = randomAlphanumeric(random, 32);
  if (shape === 'special-characters') {
    // Mock choice (auth-bugs §B10): Grafana's 32 alphanumerics never give a key `+` or `/` (only a
    // name's bytes can); `~` and `?` as the last byte of a base64 group (the secret starts at offset
    // 6) encode as `+` and `/`, and a 33rd character pads a key whose JSON is a multiple of 3 with `=`.
    secret = `${secret.slice(0, 2)}~${secret.slice(3, 5)}?${secret.slice(6)}`;
    if (Buffer.byteLength(json(secret)) % 3 === 0) secret += randomAlphanumeric(random, 1);
  }
  return { key: Buffer.from(json(secret)).toString('base64'), secret };
}

/** How a generated secret looks: Grafana's own, or (scenarios, auth-bugs §B10) with characters clients mangle. */
export type SecretShape = 'grafana' | 'special-characters';

/**
 * grafana-auth §2.1: base64-decode then JSON-decode into `{k string, n string, id int64}`;
 * either failing → the "invalid API key" sentinel (undefined here). Go's decoder leaves
 * missing fields at their zero value and matches field names case-insensitively.
 */
export const decodeLegacyKey: (key: string) => LegacyKey | undefined = memoize(decodeLegacyKeyOnce);

function decodeLegacyKeyOnce(key: string): LegacyKey | undefined {
  const bytes = decodeStdBase64(key);
  if (!bytes) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(bytes.toString('utf8'));
  } catch {
    return undefined;
  }
  if (value === null) return { secret: '', name: '', orgId: 0 };
  if (typeof value !== 'object' || Array.isArray(value)) return undefined;
  const out = { secret: '', name: '', orgId: 0 };
  for (const [f, v] of foldedFields(value)) {
    if (v === null) continue;
    if (f === 'k' || f === 'n') {
      if (typeof v !== 'string') return undefined;
      if (f === 'k') out.secret = v;
      else out.name = v;
    } else if (f === 'id') {
      // Go decodes `id` as int64 (go/json.ts jsonInt64); the mock keeps ids to safe integers (a key beyond 2^53 is refused as malformed).
      if (typeof v !== 'number' || !Number.isSafeInteger(v)) return undefined;
      out.orgId = v;
    }
  }
  return out;
}

/** grafana-auth §2.2: tokens starting with `gl` go to the prefixed decoder. */
export const PREFIXED_KEY_START = 'gl';

export interface PrefixedKey {
  readonly serviceId: string;
  readonly secret: string;
  readonly checksum: string;
}

/** grafana-auth §2.2: CRC-32 (IEEE) of `gl<sid>_<secret>`, its 4 bytes little-endian, lower hex. */
export function prefixedKeyChecksum(serviceId: string, secret: string): string {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(crc32(`gl${serviceId}_${secret}`));
  return b.toString('hex');
}

/** Why a `gl…` token does not decode: its shape (not 3 `_` parts) or its checksum. */
export type PrefixedKeyProblem = 'malformed' | 'checksum';

/** grafana-auth §2.2: must start with `gl`, split on `_` into exactly 3 parts, checksum must match. */
export function decodePrefixedKeyOrProblem(key: string): PrefixedKey | PrefixedKeyProblem {
  if (!key.startsWith(PREFIXED_KEY_START)) return 'malformed';
  const parts = key.split('_');
  if (parts.length !== 3) return 'malformed';
  const [head, secret, checksum] = parts as [string, string, string];
  const serviceId = head.slice(PREFIXED_KEY_START.length);
  if (prefixedKeyChecksum(serviceId, secret) !== checksum) return 'checksum';
  return { serviceId, secret, checksum };
}

/** The same, undefined when the token does not decode. */
export function decodePrefixedKey(key: string): PrefixedKey | undefined {
  const d = decodePrefixedKeyOrProblem(key);
  return typeof d === 'string' ? undefined : d;
}

/** A new `glsa_` token (grafana-auth §2.2); used by the PMM 3 profile and by tests. */
export function newPrefixedKey(random: RandomBytes, serviceId = 'sa'): string {
  const secret = randomAlphanumeric(random, 32);
  return `gl${serviceId}_${secret}_${prefixedKeyChecksum(serviceId, secret)}`;
}
