/** What every handler gets: the app's dependencies and per-request variables. */
import type { Context } from 'hono';
import type { Clock } from './clock.ts';
import type { FaultSet } from './faults/layer.ts';
import { credentialParser, type RequestCredentials } from './identity/credentials.ts';
import { resolveCredential, type Resolution } from './identity/resolve.ts';
import type { AuthFailure, Journal } from './journal.ts';
import { authorizationLines } from './pmm/request.ts';
import type { AuthRule, PmmRole, Profile } from './profiles/types.ts';
import type { RandomBytes } from './random.ts';
import type { Store } from './store.ts';

export interface AppDeps {
  /** The profile, with any test-only deviations already applied (mock/deviations.ts). */
  readonly profile: Profile;
  readonly store: Store;
  readonly clock: Clock;
  readonly journal: Journal;
  readonly random: RandomBytes;
  /** Grafana settings a scenario may change at run time (POST /__mock/scenario). */
  readonly settings: MockSettings;
  /** The faults in force (mock/faults/layer.ts). */
  readonly faults: FaultSet;
  /** The personality of the listener on a local port (null for the main listeners). */
  readonly listenerName: (port: number | null) => string | null;
  /** The main listeners' URLs: `http` undefined while unknown (an app not started by mock/server.ts), null when not listening. */
  readonly listeners: () => { readonly https?: string; readonly http?: string | null };
}

export interface MockSettings {
  /** grafana-auth §1.3: `[auth] api_key_max_seconds_to_live`; -1 = unlimited (the default). */
  keyMaxSecondsToLive: number;
  /** grafana-auth §6.1: `[auth.basic] enabled` (default true); off, Basic credentials are refused (auth-bugs §B9). */
  basicAuthEnabled: boolean;
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
  /** The faults that acted on the request (the journal's `fault`). */
  fault: string[];
  /** A fault reset or closed the connection: no answer was sent (the journal's status 0). */
  severed: boolean;
  /** The Authorization lines after a proxy fault (strip- or replace-authorization), instead of the caller's. */
  authorizationOverride: string[];
  /** pmm-auth §2.4: the role PMM's auth cache answers for the caller (the auth-cache fault). */
  cachedRole: PmmRole;
  /** The role PMM's auth layer looked up for the caller, when the look-up succeeded. */
  pmmRole: PmmRole;
  /** nginx's normalized `$uri` of the request (mock/nginx.ts nginxUri). */
  nginxUri: string;
}

export type Env = { Variables: Vars };
export type Ctx = Context<Env>;

/** The request's credentials, parsed on first use and kept for the request (app.ts parses them early). */
export function credentialsOf(c: Ctx, deps: Pick<AppDeps, 'profile'>): RequestCredentials {
  let cr = c.get('credentials');
  if (!cr) {
    cr = credentialParser.parse(
      { lines: authorizationLines(c), query: (name) => c.req.query(name), cookie: c.req.header('cookie') },
      deps.profile,
    );
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
