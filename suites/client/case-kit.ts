/**
 * What a client case is and the helpers the cases share: the context a case runs in (a profile's
 * mock, its keys, the adapter), verdicts, and how a credential the mock saw is described.
 */
import type { AdapterEnv, Outcome } from './adapter.ts';
import type { HarnessKeys } from './harness-mock.ts';
import { describeKey, type JournalEntry, type TlsEvent } from './journal.ts';
import type { HarnessProfile } from './profiles.ts';

export type Verdict = 'PASS' | 'FAIL' | 'NON-STRICT' | 'UNSUPPORTED' | 'INFO';
export type Level = 'MUST' | 'SHOULD' | 'OBSERVED';

export interface Judged {
  readonly verdict: Verdict;
  readonly reason: string;
}

export interface Observed {
  readonly outcome: Outcome;
  /** Requests the mock journaled during this run, on any listener. */
  readonly requests: readonly JournalEntry[];
  readonly tls: readonly TlsEvent[];
}

export interface CaseContext {
  /** The profile's row of the table (suites/client/profiles.ts): paths, Basic user, key kind. */
  readonly profile: HarnessProfile;
  /** URL of a personality listener (or `main`), e.g. https://127.0.0.1:PORT */
  url(personality: string): string;
  readonly caFile: string;
  readonly keys: HarnessKeys;
  readonly adminPassword: string;
  run(env: Omit<AdapterEnv, 'CASE_ID' | 'METHOD'> & { METHOD?: 'GET' | 'POST' }): Promise<Observed>;
  /** The role the product gives a key, by its own answer (null when it does not authenticate). */
  roleOf(key: string): Promise<string | null>;
}

export interface ClientCase {
  readonly id: string;
  readonly level: Level;
  readonly title: string;
  judge(ctx: CaseContext): Promise<Judged>;
}

/** The common run: `Authorization: Bearer <key>`, trusting the test CA. */
export function bearerOverCa(ctx: CaseContext, url: string, key: string): Promise<Observed> {
  return ctx.run({ PMM_URL: url, PMM_API_KEY: key, AUTH_MODE: 'bearer', TLS_MODE: 'ca', PMM_CA_FILE: ctx.caFile });
}

/** The key in the URL user info, percent-encoded as a URL requires. */
export function userinfoUrl(base: string, user: string, secret: string, path: string): string {
  const u = new URL(base);
  return `${u.protocol}//${encodeURIComponent(user)}:${encodeURIComponent(secret)}@${u.host}${path}`;
}

export const fp = (key: string): string => describeKey(key).keyFingerprint;
/** A key as reports may show it: prefix and fingerprint (as the journal shows it), never the whole key. */
export const shown = (key: string): string => {
  const d = describeKey(key);
  return `${d.keyPrefix}… ${d.keyFingerprint}`;
};
export const pass = (reason: string): Judged => ({ verdict: 'PASS', reason });
export const fail = (reason: string): Judged => ({ verdict: 'FAIL', reason });

export function unsupported(o: Outcome): Judged | undefined {
  return o.kind === 'error' && o.error === 'unsupported'
    ? { verdict: 'UNSUPPORTED', reason: `the client cannot express this: ${o.message}` }
    : undefined;
}

export function credentialSeen(e: JournalEntry | undefined): string {
  if (!e) return 'no request';
  const c = e.credential;
  return `${e.authorizations} Authorization line(s), ${c.kind}${c.login ? ` user ${c.login}` : ''}${c.keyFingerprint ? ` ${c.keyPrefix ?? ''}… ${c.keyFingerprint}` : ''}`;
}
