/**
 * Grafana's login sessions (issue 17): the `grafana_session` cookie a browser gets from
 * `POST /graph/login`, a credential kind of its own. Grafana's context handler reads it only
 * when the request carries no API key and no Basic credentials (grafana-auth §3.1: the order of
 * auth attempts ends "… basic auth, auth proxy, session cookie, anonymous"); pmm-managed forwards
 * the `Cookie` header to Grafana's `/api/user` (pmm-auth §2.3), so a session passes PMM's auth
 * layer with the user's role. The store keeps only a digest of each token.
 */
import { createHash } from 'node:crypto';
import type { AuthFailure } from '../journal.ts';

/** Grafana's `[auth] login_cookie_name` default (UNVERIFIED: not in the reference; Grafana's defaults.ini). */
export const SESSION_COOKIE = 'grafana_session';
/** Grafana's `login_maximum_inactive_lifetime_duration` default 7d (UNVERIFIED: not in the reference). */
export const SESSION_INACTIVE_MS = 7 * 24 * 3600 * 1000;
/** Grafana's `login_maximum_lifetime_duration` default 30d, also the cookie's Max-Age (UNVERIFIED: not in the reference). */
export const SESSION_LIFETIME_MS = 30 * 24 * 3600 * 1000;

interface Session {
  readonly userId: number;
  readonly createdMs: number;
  seenMs: number;
}

const digestOf = (token: string): string => createHash('sha256').update(token).digest('hex');

/** Login sessions by token digest (Grafana's `user_auth_token` rows hold a hash of the token too). */
export class SessionStore {
  private readonly sessions = new Map<string, Session>();

  /** Remembers a new session of `userId`; `token` is the cookie value. */
  create(token: string, userId: number, nowMs: number): void {
    this.sessions.set(digestOf(token), { userId, createdMs: nowMs, seenMs: nowMs });
    // Bounded as the failed logins are (a soak that logs in without end must not grow the mock).
    if (this.sessions.size > 10_000) this.sessions.delete(this.sessions.keys().next().value!);
  }

  /** The user of a live session (its last use moved to now), or why there is none. */
  lookup(token: string, nowMs: number): { userId: number } | { reason: AuthFailure } {
    const s = this.sessions.get(digestOf(token));
    if (!s) return { reason: 'unknown session' };
    if (nowMs - s.createdMs >= SESSION_LIFETIME_MS || nowMs - s.seenMs >= SESSION_INACTIVE_MS) {
      this.sessions.delete(digestOf(token));
      return { reason: 'expired session' };
    }
    s.seenMs = nowMs;
    return { userId: s.userId };
  }

  /** Logout: the session's row is deleted. */
  revoke(token: string): void {
    this.sessions.delete(digestOf(token));
  }

  clear(): void {
    this.sessions.clear();
  }
}

/**
 * The `grafana_session` value of a `Cookie` header ("" when absent): Go's `Request.Cookie`, the
 * first cookie of that name, its value query-unescaped as Grafana's `GetCookie` does (UNVERIFIED).
 */
export function sessionToken(cookie: string | undefined): string {
  if (!cookie) return '';
  for (const part of cookie.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0 || part.slice(0, eq).trim() !== SESSION_COOKIE) continue;
    const raw = part.slice(eq + 1).trim();
    try {
      return decodeURIComponent(raw.replaceAll('+', ' '));
    } catch {
      return raw;
    }
  }
  return '';
}
