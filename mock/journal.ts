/**
 * The request journal: a bounded ring of what the mock saw. It never holds a whole key or a
 * password: credentials are recorded as their kind, a short prefix and a fingerprint.
 */
import { createHash } from 'node:crypto';
import type { PmmRole } from './profiles/types.ts';

export type CredentialKind = 'none' | 'bearer' | 'basic-api-key' | 'basic-user' | 'invalid';

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
  readonly status: number;
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
export function describeKey(key: string): { keyPrefix: string; keyFingerprint: string } {
  const prefixLength = Math.min(8, Math.floor(key.length / 4));
  return {
    keyPrefix: key.slice(0, prefixLength),
    keyFingerprint: `sha256:${createHash('sha256').update(key).digest('hex').slice(0, 16)}`,
  };
}

/** A bounded ring, oldest first. */
class Ring<T> {
  private items: T[] = [];
  total = 0;
  constructor(readonly capacity: number) {}
  push(item: T): void {
    this.total++;
    this.items.push(item);
    if (this.items.length > this.capacity) this.items.shift();
  }
  filter(pred: (item: T) => boolean): T[] {
    return this.items.filter(pred);
  }
  clear(): number {
    const n = this.items.length;
    this.items = [];
    return n;
  }
}

/** Requests and TLS events, each in its own ring, numbered by one sequence. */
export class Journal {
  private readonly requests: Ring<JournalEntry>;
  private readonly tls: Ring<TlsEvent>;
  private seq = 0;

  constructor(readonly capacity = 1000) {
    if (!Number.isInteger(capacity) || capacity < 1)
      throw new Error(`journal capacity must be a positive integer, got ${capacity}`);
    this.requests = new Ring(capacity);
    this.tls = new Ring(capacity);
  }

  record(entry: Omit<JournalEntry, 'seq'>): JournalEntry {
    const full = { seq: ++this.seq, ...entry };
    this.requests.push(full);
    return full;
  }

  recordTls(event: Omit<TlsEvent, 'seq'>): TlsEvent {
    const full = { seq: ++this.seq, ...event };
    this.tls.push(full);
    return full;
  }

  /** Request entries with `seq` greater than `since`, oldest first. */
  list(since = 0): JournalEntry[] {
    return this.requests.filter((e) => e.seq > since);
  }

  /** TLS events with `seq` greater than `since`, oldest first. */
  listTls(since = 0): TlsEvent[] {
    return this.tls.filter((e) => e.seq > since);
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
