/**
 * Grafana's login (issue 17): the login page, `POST /graph/login` and `/graph/logout`. A login
 * checks the password as Basic auth does, through the same brute-force protection
 * (grafana-auth §6.1: a locked-out user gets the same failure; auth-bugs §B7: 5 failures in 5 minutes), and
 * answers with a `grafana_session` cookie (mock/identity/session.ts). What the reference does not
 * hold — the form's texts, the JSON of `POST /login`, the cookie's attributes — follows Grafana
 * 9.2's / 11.1's login as the mock remembers it, each line marked.
 */
import type { AppDeps, Ctx } from '../../context.ts';
import { noteFailure, resolutionOf } from '../../context.ts';
import { grafanaFailure } from '../../errors.ts';
import type { Identity } from '../../identity/resolve.ts';
import { resolveCredential } from '../../identity/resolve.ts';
import { SESSION_COOKIE, SESSION_LIFETIME_MS, sessionToken } from '../../identity/session.ts';
import type { GrafanaError } from '../../profiles/types.ts';
import { bindJsonFields } from '../bind.ts';
import { esc, page, scriptJson, type PageUser } from './layout.ts';

/** Grafana's cookie `redirect_to`: where a login goes back to (UNVERIFIED: Grafana's writeRedirectCookie). */
const REDIRECT_COOKIE = 'redirect_to';

/**
 * The session cookie's attributes. HttpOnly and SameSite=Lax as Grafana's defaults
 * (`cookie_samesite = lax`, UNVERIFIED). Path `/`, not Grafana's sub-URL `/graph`: PMM's own UI
 * calls `/v1/…` with the browser's session, which pmm-managed accepts (pmm-auth §2.3, the Cookie
 * is forwarded), so the cookie must reach those paths (UNVERIFIED for a real PMM).
 */
function sessionCookie(value: string, maxAgeSeconds: number): string {
  return `${SESSION_COOKIE}=${value}; Path=/; Max-Age=${maxAgeSeconds}; HttpOnly; SameSite=Lax`;
}

/** The signed-in user of a page request (a session, or Basic credentials), or null. */
export function pageUser(c: Ctx, deps: AppDeps): PageUser | null {
  const res = resolutionOf(c, deps);
  if (!res.ok || res.identity.kind !== 'user') {
    if (!res.ok) noteFailure(c, res);
    return null;
  }
  const { user, orgRole, isGrafanaAdmin } = res.identity;
  return { login: user.login, orgRole, isGrafanaAdmin };
}

/** grafana-auth §3.6: non-API paths without a signed-in user redirect to the login page (and remember where to come back, UNVERIFIED). */
export function toLogin(c: Ctx): Response {
  const back = encodeURIComponent(c.req.path);
  return new Response(null, {
    status: 302,
    headers: {
      Location: '/graph/login',
      'Set-Cookie': `${REDIRECT_COOKIE}=${back}; Path=/graph; Max-Age=600; HttpOnly; SameSite=Lax`,
    },
  });
}

/** 9.2: `{"message":"Invalid username or password"}` with the internal error's traceID; 11.x: the profile's typed password-auth.failed (grafana-auth §6.1, LIKELY). */
function loginFailure(deps: AppDeps): GrafanaError {
  const typed = deps.profile.authFailures.invalidCredentials;
  // UNVERIFIED (not in the reference): Grafana 9's LoginPost says "Invalid username or password", capitalised, unlike Basic auth's text (grafana-auth §6.1).
  return typed.messageId ? typed : { status: 401, message: 'Invalid username or password', traceID: true };
}

const LOGIN_JS = String.raw`
const form = document.getElementById('login-form');
form.addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const user = form.user.value, password = form.password.value;
  document.getElementById('user-error').textContent = user ? '' : 'Email or username is required';
  document.getElementById('password-error').textContent = password ? '' : 'Password is required';
  if (!user || !password) return;
  const alert = document.getElementById('login-alert');
  const button = form.querySelector('button');
  button.disabled = true;
  button.textContent = 'Logging in...';
  const res = await fetch('/graph/login', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ user, password }) });
  let data = {};
  try { data = await res.json(); } catch (e) {}
  if (res.ok) { window.location.assign(data.redirectUrl || '/graph/'); return; }
  button.disabled = false;
  button.textContent = 'Log in';
  alert.hidden = false;
  alert.querySelector('.msg').textContent = data.message || 'Unknown error occurred';
});
`;

/** `GET /graph/login`: Grafana's login form ("Email or username", "Password", "Log in"; UNVERIFIED labels). */
export function loginPage(deps: AppDeps) {
  return function loginPage(c: Ctx): Response {
    const main = `<div style="max-width:380px;margin:10vh auto">
<h1>Percona Monitoring and Management</h1>
<p class="sub">${esc(deps.profile.title)} — pmm-auth-mock, not a real PMM</p>
<div class="alert alert-error" id="login-alert" role="alert" hidden><div class="title">Login failed</div><div class="msg"></div></div>
<form id="login-form" novalidate>
<div class="field"><label for="user">Email or username</label><input id="user" name="user" autocomplete="username" placeholder="email or username" style="width:100%" autofocus><div class="error" id="user-error"></div></div>
<div class="field"><label for="current-password">Password</label><input id="current-password" name="password" type="password" autocomplete="current-password" placeholder="password" style="width:100%"><div class="error" id="password-error"></div></div>
<button type="submit" style="width:100%">Log in</button>
</form></div>`;
    return c.html(page({ title: 'Login', profile: deps.profile, user: null, main, script: LOGIN_JS }));
  };
}

/** The `redirect_to` cookie's path when it is a page of this Grafana (never another site), else null. */
function redirectBack(c: Ctx): string | null {
  const raw = /(?:^|;\s*)redirect_to=([^;]*)/.exec(c.req.header('cookie') ?? '')?.[1];
  if (!raw) return null;
  let path: string;
  try {
    path = decodeURIComponent(raw);
  } catch {
    return null;
  }
  return path.startsWith('/graph/') && !path.startsWith('/graph/login') && !path.startsWith('//') ? path : null;
}

/**
 * `POST /graph/login` `{"user","password"}` (UNVERIFIED shape: Grafana's LoginCommand): a bind
 * error → 400 "bad login data"; a wrong password, an unknown user or a lockout → 401; else 200
 * `{"message":"Logged in"}` (+ `redirectUrl`) and the session cookie.
 */
export function loginPost(deps: AppDeps) {
  return async function loginPost(c: Ctx): Promise<Response> {
    const fields = bindJsonFields(c.req.header('content-type'), await c.req.text());
    const user = fields?.user;
    const password = fields?.password;
    // UNVERIFIED: LoginCommand's `binding:"Required"` user and password; any bind error → "bad login data" (grafana-auth §1.2's binding).
    if (typeof user !== 'string' || typeof password !== 'string' || user === '' || password === '')
      throw grafanaFailure({ status: 400, message: 'bad login data', traceID: true });
    // grafana-auth §6.1: the password check and lockout of Basic auth (auth-bugs §B7); the form is not Basic auth, so `[auth.basic] enabled` does not apply.
    const res = resolveCredential(
      { kind: 'basic', login: user, password },
      { store: deps.store, clock: deps.clock, profile: deps.profile },
    );
    if (!res.ok) {
      noteFailure(c, res);
      throw grafanaFailure(loginFailure(deps));
    }
    const token = deps.random(16).toString('hex');
    deps.store.sessions.create(
      token,
      (res.identity as Extract<Identity, { kind: 'user' }>).user.id,
      deps.clock.nowMs(),
    );
    const back = redirectBack(c);
    const headers = new Headers({ 'Content-Type': 'application/json' });
    headers.append('Set-Cookie', sessionCookie(token, SESSION_LIFETIME_MS / 1000));
    if (back) headers.append('Set-Cookie', `${REDIRECT_COOKIE}=; Path=/graph; Max-Age=0; HttpOnly; SameSite=Lax`);
    const body = back ? { message: 'Logged in', redirectUrl: back } : { message: 'Logged in' };
    return new Response(JSON.stringify(body), { status: 200, headers });
  };
}

/** `GET /graph/logout`: the session ends, the cookie is cleared, back to the login page (UNVERIFIED: Grafana's Logout). */
export function logout(deps: AppDeps) {
  return function logout(c: Ctx): Response {
    const token = sessionToken(c.req.header('cookie'));
    if (token !== '') deps.store.sessions.revoke(token);
    return new Response(null, {
      status: 302,
      headers: { Location: '/graph/login', 'Set-Cookie': sessionCookie('', 0) },
    });
  };
}

/** Data a page's script starts from (as Grafana's index.html carries `grafanaBootData`). */
export function bootData(user: PageUser, extra: Record<string, unknown> = {}): string {
  return `const boot = ${scriptJson({ user, ...extra })};`;
}
