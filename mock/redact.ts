/**
 * What the journal, logs and reports show of a key: a prefix and a fingerprint (describeKey), and
 * every key or token found in a text replaced by that form (redactKeys).
 */
import { createHash } from 'node:crypto';
import { memoize } from './memo.ts';

/** A key as it may appear in logs: prefix and fingerprint, never the whole key. */
export const describeKey: (key: string) => { readonly keyPrefix: string; readonly keyFingerprint: string } = memoize(
  (key) => {
    const prefixLength = Math.min(8, Math.floor(key.length / 4));
    return {
      keyPrefix: key.slice(0, prefixLength),
      keyFingerprint: `sha256:${createHash('sha256').update(key).digest('hex').slice(0, 16)}`,
    };
  },
);

/** How a key or token appears in the journal: `<prefix…sha256:…>` (describeKey of the key itself). */
export function redactedForm(key: string): string {
  const d = describeKey(key);
  return `<${d.keyPrefix}…${d.keyFingerprint}>`;
}

/**
 * What the journal redacts wherever it appears (path, query, Host, login), raw or percent-encoded
 * (`%XX` of ASCII), whether the store knows it or not:
 * - base64 starting with `eyJ` (`{"`) and at least 16 characters long: legacy keys (`{"k":…}`, in
 *   any field order or case Go's decoder takes) and, alike, JWTs; cut after the JSON object when the
 *   decoded prefix is one, so a known key gets the fingerprint of its credential;
 * - `glsa_` + 32 alphanumerics (+ `_` + 8 hex): service-account tokens of this mock's shape, with or
 *   without their checksum;
 * - a run of 32 alphanumerics (the secret part alone: a legacy `k` or a token's random part; 32–33
 *   with the `~` and `?` of a scenario's special-character key) when `isKnownSecret` knows it;
 * - any other base64 run of 40 characters or more whose decoding, at any of the 4 alignments,
 *   holds a secret the store knows: a known key with characters changed, inserted or cut off at
 *   its start (`xyJr…`), which would still give its secret away.
 */
const KEY_SHAPE =
  /eyJ[A-Za-z0-9+/]{13,}={0,2}|glsa_[A-Za-z0-9]{32}(?:_[0-9a-f]{8})?|(?<![A-Za-z0-9~?])[A-Za-z0-9~?]{32,33}(?![A-Za-z0-9~?])/g;

/** A base64 run long enough to hold a legacy key's secret (43 characters encode 32). */
const BASE64_RUN = /[A-Za-z0-9+/]{40,}={0,2}/g;

/** Whether base64 decodes, at one of its 4 alignments, to text holding a secret the store knows. */
function hidesKnownSecret(b64: string, isKnownSecret: (secret: string) => boolean): boolean {
  for (let skip = 0; skip < 4; skip++) {
    const text = Buffer.from(b64.slice(skip), 'base64').toString('latin1');
    for (const m of text.matchAll(/[A-Za-z0-9~?]{32,33}/g)) if (isKnownSecret(m[0])) return true;
  }
  return false;
}

/**
 * `text` with every base64 run that gives a known secret away replaced by its redactedForm, from
 * the path segment where it starts (a run may span `/`, which base64 holds too) to the run's end.
 */
function redactMangledKeys(text: string, isKnownSecret: (secret: string) => boolean): string {
  return text.replace(BASE64_RUN, (run) => {
    for (let start = 0; start >= 0 && run.length - start >= 40; start = run.indexOf('/', start) + 1 || -1) {
      if (hidesKnownSecret(run.slice(start), isKnownSecret))
        return run.slice(0, start) + redactedForm(run.slice(start));
    }
    return run;
  });
}

/** The length of the base64 prefix of `b64` that encodes a JSON object, or the whole length. */
function legacyKeyLength(b64: string): number {
  const text = Buffer.from(b64, 'base64').toString('latin1');
  for (let end = text.indexOf('}'); end >= 0; end = text.indexOf('}', end + 1)) {
    try {
      JSON.parse(text.slice(0, end + 1));
    } catch {
      continue;
    }
    const d = end + 1;
    let n = Math.ceil((d * 4) / 3);
    while (n < b64.length && b64[n] === '=' && n % 4 !== 0) n++;
    return Math.min(n, b64.length);
  }
  return b64.length;
}

/** `text` with `%XX` (ASCII) decoded, and where each decoded character starts in `text` (null when none is escaped). */
function percentDecoded(text: string): { decoded: string; starts: number[] | null } {
  // Most paths and hosts hold no escape: the text is its own decoding (null: the same offsets).
  if (!text.includes('%')) return { decoded: text, starts: null };
  let decoded = '';
  const starts: number[] = [];
  for (let i = 0; i < text.length; ) {
    starts.push(i);
    const hex = text[i] === '%' ? text.slice(i + 1, i + 3) : '';
    if (/^[0-7][0-9A-Fa-f]$/.test(hex)) {
      decoded += String.fromCharCode(Number.parseInt(hex, 16));
      i += 3;
    } else {
      decoded += text[i];
      i++;
    }
  }
  starts.push(text.length);
  return { decoded, starts };
}

/** `text` with every key or token (see KEY_SHAPE) replaced by its redactedForm. */
export function redactKeys(text: string, isKnownSecret?: (secret: string) => boolean): string {
  if (text.length < 16) return text;
  const { decoded, starts } = percentDecoded(text);
  let out = '';
  let last = 0;
  for (const m of decoded.matchAll(KEY_SHAPE)) {
    let key = m[0];
    if (key.startsWith('eyJ')) key = key.slice(0, legacyKeyLength(key));
    else if (!key.startsWith('glsa_') && !isKnownSecret?.(key)) continue;
    const from = starts ? starts[m.index]! : m.index;
    const to = starts ? starts[m.index + key.length]! : m.index + key.length;
    if (from < last) continue;
    out += text.slice(last, from) + redactedForm(key);
    last = to;
  }
  if (last === 0 && !isKnownSecret) return text;
  const redacted = last === 0 ? text : out + text.slice(last);
  if (!isKnownSecret) return redacted;
  // What is left may still hold a known key with characters changed or cut (decoded, if escaped).
  const rest = last === 0 ? decoded : percentDecoded(redacted).decoded;
  const mangled = redactMangledKeys(rest, isKnownSecret);
  return mangled === rest ? redacted : mangled;
}
