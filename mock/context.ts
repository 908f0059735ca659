/** What every handler gets: the app's dependencies and per-request variables. */
import type { Context } from 'hono';
import type { Clock } from './clock.ts';
import { credentialParser, type RequestCredentials } from './identity/credentials.ts';
import { resolveCredential, type Resolution } from './identity/resolve.ts';
import type { AuthFailure, Journal } from './journal.ts';
import { authorizationLines } from './pmm/request.ts';
import type { AuthRule, Profile } from './profiles/types.ts';
import type { RandomBytes } from './random.ts';
import type { Store } from './store.ts';

export interface AppDeps {
  /** The profile, with any test-only deviations already applied (mock/deviations.ts). */
  readonly profile: Profile;
  readonly store: Store;
  readonly clock: Clock;
  readonly journal: Journal;
  readonly random: RandomBytes;
  /** grafana-auth §1.3: `[auth] api_key_max_seconds_to_live`; -1 = unlimited (the default). */
  readonly keyMaxSecondsToLive: number;
  /** The personality of the listener on a local port (null for the main listeners). */
  readonly listenerName: (port: number | null) => string | null;
}

export interface Vars {
  /** The caller's `Authorization`, parsed once per request (mock/identity/credentials.ts). */
  credentials: RequestCredentials;
  /** The caller's identity, resolved at most once per request. */
  resolution: Resolution;
  /** The auth-layer rule that matched, when the layer ran. */
  rule: { readonly prefix: string | null; readonly role: AuthRule[1] };
  /** Why the request was refused as unauthenticated or unauthorized (the journal's `failure`). */
  failure: AuthFailure;
}

export type Env = { Variables: Vars };
export type Ctx = Context<Env>;

/** The request's credentials, parsed on first use and kept for the request (app.ts parses them early). */
export function credentialsOf(c: Ctx, deps: Pick<AppDeps, 'profile'>): RequestCredentials {
  let cr = c.get('credentials');
  if (!cr) {
    cr = credentialParser.parse({ lines: authorizationLines(c), query: (name) => c.req.query(name) }, deps.profile);
    c.set('credentials', cr);
  }
  return cr;
}

/** Resolves the caller once per request (both layers share it, as one Grafana login attempt per request). */
export function resolutionOf(c: Ctx, deps: AppDeps): Resolution {
  let r = c.get('resolution');
  if (!r) {
    r = resolveCredential(credentialsOf(c, deps).grafana, deps);
    c.set('resolution', r);
  }
  return r;
}

/** Records why the request is refused (a failed resolution's reason, or "role too low"). */
export function noteFailure(c: Ctx, failure: Resolution | AuthFailure): void {
  if (typeof failure === 'string') c.set('failure', failure);
  else if (!failure.ok) c.set('failure', failure.reason);
}
