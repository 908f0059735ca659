/**
 * The request journal: a bounded ring of what the mock saw. It never holds a whole key or a
 * password: credentials are recorded as their kind, a short prefix and a fingerprint.
 */
import { createHash } from 'node:crypto';
import { isoTime } from './clock.ts';
import { memoize } from './memo.ts';
import type { PmmRole } from './profiles/types.ts';

export type CredentialKind = 'none' | 'bearer' | 'basic-api-key' | 'basic-user' | 'invalid' | 'session';

export interface JournalCredential {
  readonly kind: CredentialKind;
  /** The login of a Basic credential: a user, or the key user (`api_key`, `service_token`); never the password. */
  readonly login?: string;
  /** First characters of the key (at most 8, never more than a quarter of it). */
  readonly keyPrefix?: string;
  /** `sha256:` + first 16 hex digits of SHA-256 of the whole key. */
  readonly keyFingerprint?: string;
}

/**
 * Why authentication failed, as the journal records it (null: authenticated, or no check ran).
 * A real PMM may answer two of these with the same body (e.g. "unknown key" and "wrong secret",
 * grafana-auth §3.2); the journal tells them apart. The mapping is in README ("Journal").
 */
export const AUTH_FAILURES = [
  'no credentials',
  'invalid basic header',
  'malformed key',
  'bad checksum',
  'unknown key',
  'wrong secret',
  'expired',
  'disabled service account',
  'missing service account',
  'unknown user',
  'wrong password',
  'empty password',
  'locked out',
  'role too low',
  'basic auth disabled',
  'unknown session',
  'expired session',
] as const;

export type AuthFailure = (typeof AUTH_FAILURES)[number];

export interface JournalEntry {
  readonly seq: number;
  readonly time: string;
  readonly method: string;
  readonly path: string;
  readonly query: string;
  readonly scheme: 'https' | 'http';
  readonly port: number | null;
  /** The certificate personality of the HTTPS listener that took it (null: the main listeners). */
  readonly personality: string | null;
  /** The Host header as received (client harness: did a redirect change host?). */
  readonly host: string | null;
  /** How many Authorization header lines the request carried (0, 1, or more). */
  readonly authorizations: number;
  readonly credential: JournalCredential;
  /** Why the request was refused as unauthenticated or unauthorized; null when it was not (or no check ran). */
  readonly failure: AuthFailure | null;
  /** The auth-layer rule that matched, or null when the layer did not run (auth off, 413, /graph's own auth). */
  readonly rule: { readonly prefix: string | null; readonly role: PmmRole } | null;
  /** 0: no answer was sent (a `reset` or `close` fault). */
  readonly status: number;
  /** The faults that acted on the request, comma-separated in the order they acted (null: none; mock/faults/). */
  readonly fault: string | null;
}

/**
 * A TLS connection that carried no HTTP request: the handshake failed (the client refused the
 * certificate with an alert, or spoke something else), or the client closed the connection after
 * the handshake without sending a request (clients that verify after the handshake, such as Node).
 */
export interface TlsEvent {
  readonly seq: number;
  readonly time: string;
  readonly personality: string | null;
  readonly port: number | null;
  readonly event: 'handshake-failed' | 'closed-without-request';
  /** OpenSSL's reason or Node's error code, e.g. "ERR_SSL_TLSV1_ALERT_UNKNOWN_CA". */
  readonly error: string | null;
  /** The TLS alert the client sent, e.g. 48 "unknown ca" (null when none was received). */
  readonly alert: number | null;
  readonly alertDescription: string | null;
}

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

/** A bounded ring, oldest first: O(1) to add to, whatever its size (issue 15: a per-request cost). */
class Ring<T> {
  private items: (T | undefined)[] = [];
  /** Where the oldest item is once the ring is full. */
  private head = 0;
  total = 0;
  constructor(readonly capacity: number) {}
  push(item: T): void {
    this.total++;
    if (this.items.length < this.capacity) this.items.push(item);
    else {
      this.items[this.head] = item;
      this.head = (this.head + 1) % this.capacity;
    }
  }
  /** The items `pred` keeps, mapped by `map`, oldest first. */
  filterMap<R>(pred: (item: T) => boolean, map: (item: T) => R): R[] {
    const out: R[] = [];
    for (let i = 0; i < this.items.length; i++) {
      const item = this.items[(this.head + i) % this.items.length] as T;
      if (pred(item)) out.push(map(item));
    }
    return out;
  }
  clear(): number {
    const n = this.items.length;
    this.items = [];
    this.head = 0;
    return n;
  }
}

/** What the journal keeps of an entry: its time as a number, formatted when read (issue 15: no text formatting per request). */
type Kept<E extends { readonly time: string }> = Omit<E, 'time'> & { readonly timeMs: number };
/** What a caller records: the entry without its seq, its time in ms since the epoch. */
export type JournalRecord = Omit<Kept<JournalEntry>, 'seq'>;
export type TlsRecord = Omit<Kept<TlsEvent>, 'seq'>;

function withTime<E extends { readonly seq: number; readonly time: string }>(kept: Kept<E>): E {
  const { seq, timeMs, ...rest } = kept as Kept<E> & { readonly seq: number };
  return { seq, time: isoTime(timeMs), ...rest } as unknown as E;
}

/** Requests and TLS events, each in its own ring, numbered by one sequence. */
export class Journal {
  private readonly requests: Ring<Kept<JournalEntry>>;
  private readonly tls: Ring<Kept<TlsEvent>>;
  private seq = 0;

  constructor(readonly capacity = 1000) {
    if (!Number.isInteger(capacity) || capacity < 1)
      throw new Error(`journal capacity must be a positive integer, got ${capacity}`);
    this.requests = new Ring(capacity);
    this.tls = new Ring(capacity);
  }

  record(entry: JournalRecord): void {
    this.requests.push({ seq: ++this.seq, ...entry });
  }

  recordTls(event: TlsRecord): void {
    this.tls.push({ seq: ++this.seq, ...event });
  }

  /** Request entries with `seq` greater than `since`, oldest first. */
  list(since = 0): JournalEntry[] {
    return this.requests.filterMap((e) => e.seq > since, withTime<JournalEntry>);
  }

  /** TLS events with `seq` greater than `since`, oldest first. */
  listTls(since = 0): TlsEvent[] {
    return this.tls.filterMap((e) => e.seq > since, withTime<TlsEvent>);
  }

  /** The highest seq given out so far (requests and TLS events). */
  get lastSeq(): number {
    return this.seq;
  }

  /** Requests ever recorded (including those the ring dropped). */
  get total(): number {
    return this.requests.total;
  }

  get tlsTotal(): number {
    return this.tls.total;
  }

  /** Empties both rings; returns how many request entries were dropped. */
  clear(): number {
    this.tls.clear();
    return this.requests.clear();
  }
}
