/**
 * What a client case is and the helpers the cases share: the context a case runs in (a profile's
 * mock, its keys, the adapter), verdicts, and how a credential the mock saw is described.
 */
import { describeOutcome, type AdapterEnv, type Outcome } from './adapter.ts';
import type { HarnessKeys } from './harness-keys.ts';
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
  /** Ad-hoc faults of the mock (fixtures/scenarios/README.md "Faults") in force during `run` only. */
  withFaults<T>(faults: readonly object[], run: () => Promise<T>): Promise<T>;
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

/** A journal entry in a reason: method, path, status, and why authentication failed. */
function requestSeen(e: JournalEntry): string {
  return `${e.method} ${e.path}${e.personality ? ` (${e.personality} port)` : ''} → ${e.status}${e.failure ? ` (${e.failure})` : ''}`;
}

/** A TLS event in a reason: the handshake failure and its alert, or a connection closed without a request. */
function tlsSeen(e: TlsEvent): string {
  const where = e.personality ? ` on the ${e.personality} port` : '';
  if (e.event === 'closed-without-request') return `a TLS connection${where} closed without a request`;
  const why = e.alertDescription
    ? ` (alert ${e.alert} ${e.alertDescription})`
    : e.alert !== null
      ? ` (alert ${e.alert})`
      : e.error
        ? ` (${e.error})`
        : '';
  return `TLS handshake failed${where}${why}`;
}

/** What the mock saw during a run: its requests (at most two named), else its TLS events, else nothing. */
export function describeMock(o: Observed): string {
  if (o.requests.length > 0) {
    const named = o.requests.slice(0, 2).map(requestSeen).join(', ');
    return o.requests.length > 2 ? `${named} and ${o.requests.length - 2} more request(s)` : named;
  }
  if (o.tls.length > 0) return tlsSeen(o.tls[0]!);
  return 'no request and no TLS event';
}

/** What the client said and what the mock saw, for a reason. */
export function seen(o: Observed): string {
  return `client: ${describeOutcome(o.outcome)}; mock: ${describeMock(o)}`;
}

/**
 * The cause of a run's result without what differs from case to case (ports, paths, messages):
 * equal causes are reported once when several unexpected verdicts share one.
 */
export function causeOf(o: Observed): string {
  const out = o.outcome;
  const client =
    out.kind === 'response'
      ? `the client reported HTTP ${out.status}`
      : out.kind === 'timeout'
        ? 'the client gave no answer within the timeout'
        : `the client ${out.signal ? `was killed by ${out.signal}` : out.exitCode !== null ? `exited ${out.exitCode}` : 'could not run'} (${out.error} error)`;
  let mock: string;
  if (o.requests.length > 0) {
    const answers = [...new Set(o.requests.map((e) => `${e.status}${e.failure ? ` (${e.failure})` : ''}`))];
    mock = `the mock answered ${answers.join(', ')}`;
  } else if (o.tls.length > 0) {
    const e = o.tls[0]!;
    mock =
      e.event === 'closed-without-request'
        ? 'the mock saw the TLS connection closed without a request'
        : `the mock saw the TLS handshake fail${e.alertDescription ? ` with alert ${e.alert} (${e.alertDescription})` : e.error ? ` (${e.error})` : ''}`;
  } else mock = 'the mock saw no request and no TLS event';
  return `${client}; ${mock}`;
}
