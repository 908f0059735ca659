/**
 * The one parse of a request's `Authorization` header: everything each layer needs, computed
 * once per request (mock/context.ts `credentialsOf`) and read by PMM's auth layer, Grafana's
 * context handler and the journal. Identity resolution (mock/identity/resolve.ts) starts from
 * these credentials; it never reads the header again.
 */
import type { JournalCredential } from '../journal.ts';
import { describeKey } from '../redact.ts';
import { memoizeBy } from '../memo.ts';
import type { Profile } from '../profiles/types.ts';
import { BEARER, credentialOf, decodeBasicAuthHeader, type Credential } from './authorization.ts';
import { extractToken, isAPIKeyAuth } from './pmm-token.ts';
import { sessionToken } from './session.ts';

export interface RequestCredentials {
  /** How many `Authorization` lines arrived (0, 1, or more). */
  readonly lines: number;
  /** Grafana's credential (grafana-auth §3.1, grafana-auth §6.1), with the profile's behaviour switches. */
  readonly grafana: Credential;
  /** pmm-managed's view (pmm-auth §2.3), by the profile's token users. */
  readonly pmm: {
    /** 2.41 `IsAPIKeyAuth`: ask /api/auth/key with the caller's headers. */
    readonly apiKeyAuth: boolean;
    /** 3.x: the token to ask /api/auth/serviceaccount about ("" when none). */
    readonly token: string;
  };
  /** The journal's description: kind, login, key prefix + fingerprint; never a secret. */
  readonly journal: JournalCredential;
}

export interface AuthorizationInput {
  /** The `Authorization` lines as they arrived. */
  readonly lines: readonly string[];
  /** The request's query parameters (read only when the profile takes a key from one). */
  readonly query: (name: string) => string | undefined;
  /** The `Cookie` header (issue 17: a login session's `grafana_session`). */
  readonly cookie?: string;
}

/** The journal's view of a credential (README, "Journal"). */
export function journalCredential(cred: Credential): JournalCredential {
  switch (cred.kind) {
    case 'none':
      return { kind: 'none' };
    case 'invalidBasic':
      return { kind: 'invalid' };
    case 'basic':
      return { kind: 'basic-user', login: cred.login };
    case 'apiKey':
      return cred.via === 'bearer'
        ? { kind: 'bearer', ...describeKey(cred.key) }
        : { kind: 'basic-api-key', login: cred.login, ...describeKey(cred.key) };
    case 'session':
      return { kind: 'session', ...describeKey(cred.token) };
  }
}

/** The header as Grafana's context handler reads it, bent only by the profile's behaviour switches. */
function grafanaHeader(header: string, input: AuthorizationInput, profile: Profile): string {
  const { bearerScheme, keyQueryParam } = profile.behaviour;
  // grafana-auth §3.1: "Bearer" is case-sensitive (a deviation may read any case).
  if (bearerScheme === 'anyCase' && /^bearer /i.test(header)) return `${BEARER} ${header.slice(BEARER.length + 1)}`;
  // grafana-auth §3.1: no query-string keys (a deviation may read one when no header is sent).
  const queryKey = keyQueryParam === null || header !== '' ? undefined : input.query(keyQueryParam);
  return queryKey ? `${BEARER} ${queryKey}` : header;
}

/**
 * Parses the request's `Authorization` once. Several lines are read as the Fetch `Headers` object
 * joins them (`", "`), as the mock always has. The journal's credential is a function of what the
 * caller sent: Grafana's reading (grafana-auth §3.1) with the Basic key users of the profile's
 * PMM (pmm-auth §2.3: `api_key`; PMM 3 also `service_token`), whatever the path and whichever
 * layer checked the request.
 */
export function parseCredentials(input: AuthorizationInput, profile: Profile): RequestCredentials {
  // Issue 15: a pure function of the lines (and of a query key only when the profile reads one, of a
  // session cookie only when one came): once per distinct header.
  if (profile.behaviour.keyQueryParam !== null || sessionToken(input.cookie) !== '') return parseOnce(input, profile);
  let parse = parsedByProfile.get(profile);
  if (!parse) {
    parse = memoizeBy(
      // Header values hold no line break (Node's parser refuses one): one line names itself; none or
      // several are their count, a line break, and the lines joined by line breaks (never one line).
      (i: AuthorizationInput) => (i.lines.length === 1 ? i.lines[0]! : `${i.lines.length}\n${i.lines.join('\n')}`),
      (i) => parseOnce(i, profile),
    );
    parsedByProfile.set(profile, parse);
  }
  return parse(input);
}

const parsedByProfile = new WeakMap<Profile, (input: AuthorizationInput) => RequestCredentials>();

function parseOnce(input: AuthorizationInput, profile: Profile): RequestCredentials {
  const header = input.lines.join(', ');
  const basic = decodeBasicAuthHeader(header);
  const forGrafana = grafanaHeader(header, input, profile);
  // grafana-auth §3.1: the session cookie comes after API key and Basic auth — only a request without them is a session.
  const orSession = (cred: Credential): Credential => {
    const token = cred.kind === 'none' ? sessionToken(input.cookie) : '';
    return token === '' ? cred : { kind: 'session', token };
  };
  return {
    lines: input.lines.length,
    grafana: orSession(credentialOf(forGrafana, basic, profile.keyBasicUsers)),
    pmm: {
      apiKeyAuth: isAPIKeyAuth(header, profile.pmmTokenBasicUsers),
      token: extractToken(header, basic, profile.pmmTokenBasicUsers),
    },
    journal: journalCredential(orSession(credentialOf(forGrafana, basic, profile.pmmTokenBasicUsers))),
  };
}

/** The parser as an object, so that a test can count its calls (`vi.spyOn(credentialParser, 'parse')`). */
export const credentialParser = { parse: parseCredentials };
