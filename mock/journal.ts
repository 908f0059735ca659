/**
 * The request journal: a bounded ring of what the mock saw. It never holds a whole key or a
 * password: credentials are recorded as their kind, a short prefix and a fingerprint.
 */
import { createHash } from 'node:crypto';
import type { PmmRole } from './profiles/types.ts';

export type CredentialKind = 'none' | 'bearer' | 'basic-api-key' | 'basic-user' | 'invalid';

export interface JournalCredential {
  readonly kind: CredentialKind;
  /** The login of a Basic user credential (never the password). */
  readonly login?: string;
  /** First characters of the key (at most 8, never more than a quarter of it). */
  readonly keyPrefix?: string;
  /** `sha256:` + first 16 hex digits of SHA-256 of the whole key. */
  readonly keyFingerprint?: string;
}

export interface JournalEntry {
  readonly seq: number;
  readonly time: string;
  readonly method: string;
  readonly path: string;
  readonly query: string;
  readonly scheme: 'https' | 'http';
  readonly port: number | null;
  readonly credential: JournalCredential;
  /** The auth-layer rule that matched, or null when the layer did not run (auth off, 413, /graph's own auth). */
  readonly rule: { readonly prefix: string | null; readonly role: PmmRole } | null;
  readonly status: number;
}

/** A key as it may appear in logs: prefix and fingerprint, never the whole key. */
export function describeKey(key: string): { keyPrefix: string; keyFingerprint: string } {
  const prefixLength = Math.min(8, Math.floor(key.length / 4));
  return {
    keyPrefix: key.slice(0, prefixLength),
    keyFingerprint: `sha256:${createHash('sha256').update(key).digest('hex').slice(0, 16)}`,
  };
}

export class Journal {
  private entries: JournalEntry[] = [];
  private seq = 0;

  constructor(readonly capacity = 1000) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new Error(`journal capacity must be a positive integer, got ${capacity}`);
  }

  record(entry: Omit<JournalEntry, 'seq'>): JournalEntry {
    const full = { seq: ++this.seq, ...entry };
    this.entries.push(full);
    if (this.entries.length > this.capacity) this.entries.shift();
    return full;
  }

  /** Entries with `seq` greater than `since`, oldest first. */
  list(since = 0): JournalEntry[] {
    return this.entries.filter((e) => e.seq > since);
  }

  /** Total entries ever recorded (including those the ring dropped). */
  get total(): number {
    return this.seq;
  }

  clear(): number {
    const n = this.entries.length;
    this.entries = [];
    return n;
  }
}
