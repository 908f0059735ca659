/**
 * The request journal: a bounded ring of what the mock saw. It never holds a whole key or a
 * password: credentials are recorded as their kind, a short prefix and a fingerprint.
 */
import { isoTime } from './clock.ts';
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

/** A kept entry: its number and what the caller recorded, as it was (issue 15: not copied per request). */
interface Numbered<R> {
  readonly seq: number;
  readonly record: R;
}

function withTime<E extends { readonly seq: number; readonly time: string }>({
  seq,
  record,
}: Numbered<Omit<Kept<E>, 'seq'>>): E {
  const { timeMs, ...rest } = record;
  return { seq, time: isoTime(timeMs), ...rest } as unknown as E;
}

/** Requests and TLS events, each in its own ring, numbered by one sequence. */
export class Journal {
  private readonly requests: Ring<Numbered<JournalRecord>>;
  private readonly tls: Ring<Numbered<TlsRecord>>;
  private seq = 0;

  constructor(readonly capacity = 1000) {
    if (!Number.isInteger(capacity) || capacity < 1)
      throw new Error(`journal capacity must be a positive integer, got ${capacity}`);
    this.requests = new Ring(capacity);
    this.tls = new Ring(capacity);
  }

  /** Keeps `entry` itself (the caller hands over a fresh object and never changes it). */
  record(entry: JournalRecord): void {
    this.requests.push({ seq: ++this.seq, record: entry });
  }

  recordTls(event: TlsRecord): void {
    this.tls.push({ seq: ++this.seq, record: event });
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
