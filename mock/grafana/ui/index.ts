/**
 * The mock's Grafana-shaped UI under /graph (issue 17): login, logout, the pages of PMM's
 * API-key docs (PMM 2: Configuration → API keys; PMM 3: Administration → Users and access →
 * Service accounts), a home page, and for every other /graph page a stand-in with the menu.
 * Non-API pages without a signed-in user redirect to the login page (grafana-auth §3.6).
 */
import type { Layer } from '../../chain.ts';
import type { AppDeps, Ctx } from '../../context.ts';
import { reject } from '../../errors.ts';
import { SESSION_COOKIE } from '../../identity/session.ts';
import type { RouteRegistrar } from '../../routes.ts';
import { apiKeysPage } from './apikeys.ts';
import { esc, page } from './layout.ts';
import { loginPage, loginPost, logout, pageUser, toLogin } from './login.ts';
import { createServiceAccountPage, serviceAccountPage, serviceAccountsPage } from './service-accounts.ts';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE']);
const HAS_SESSION_COOKIE = new RegExp(`(?:^|;)\\s*${SESSION_COOKIE}=`);

/** Go's `net.SplitHostPort` host of a Host header, the port ignored (IPv6 brackets dropped). */
function hostName(host: string): string {
  if (host.startsWith('[')) return host.slice(1, host.indexOf(']'));
  return host.split(':')[0]!;
}

/**
 * Grafana's CSRF check (UNVERIFIED: not in the reference; Grafana's `middleware/csrf`): a request
 * that carries the session cookie, with an unsafe method and an `Origin` header whose host name is
 * not the request's → 403 `origin not allowed` as Go's `http.Error` writes it. No Origin, or no
 * session cookie (API keys, Basic auth, curl), is never checked.
 */
export function grafanaCsrf(): Layer {
  // Not async (issue 15): it answers by throwing, or passes on next()'s result.
  return function grafanaCsrf(c, next) {
    if (SAFE_METHODS.has(c.req.method) || !HAS_SESSION_COOKIE.test(c.req.header('cookie') ?? '')) return next();
    const origin = c.req.header('origin') ?? '';
    if (origin === '') return next();
    let originHost: string;
    try {
      originHost = new URL(origin).hostname.replace(/^\[|\]$/g, '');
    } catch {
      originHost = '';
    }
    if (originHost !== hostName(c.req.header('host') ?? new URL(c.req.url).host)) {
      throw reject(
        new Response('origin not allowed\n', {
          status: 403,
          headers: { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff' },
        }),
      );
    }
    return next();
  };
}

/** `/graph/` and every page the mock does not draw: the menu and a line saying so; the login page when signed out. */
function otherPage(deps: AppDeps) {
  return function otherPage(c: Ctx): Response {
    const user = pageUser(c, deps);
    if (!user) return toLogin(c);
    const home = c.req.path === '/graph' || c.req.path === '/graph/';
    const docs = deps.profile.serviceAccounts
      ? 'Administration → Users and access → Service accounts'
      : 'Configuration → API keys';
    const main = home
      ? `<h1>Home</h1><p class="sub">${esc(deps.profile.title)} — pmm-auth-mock stands in for Grafana's UI.</p><p>Keys: ${esc(docs)}.</p>`
      : `<h1>Not part of the mock</h1><p class="sub">${esc(deps.profile.title)} — pmm-auth-mock stands in for Grafana's UI; this page (${esc(c.req.path)}) is not drawn.</p>`;
    return c.html(page({ title: home ? 'Home' : 'Grafana', profile: deps.profile, user, active: '/graph/', main }));
  };
}

/** Registers the UI's routes (after the /graph/api routes and their 404), behind the product's layers. */
export function mountGrafanaUi(routes: RouteRegistrar, deps: AppDeps): void {
  routes.on('GET', '/graph/login', loginPage(deps));
  routes.on('POST', '/graph/login', loginPost(deps));
  routes.on('GET', '/graph/logout', logout(deps));
  routes.on('GET', '/graph/org/apikeys', apiKeysPage(deps));
  if (deps.profile.serviceAccounts) {
    routes.on('GET', '/graph/org/serviceaccounts', serviceAccountsPage(deps));
    routes.on('GET', '/graph/org/serviceaccounts/create', createServiceAccountPage(deps));
    routes.on('GET', '/graph/org/serviceaccounts/:id', serviceAccountPage(deps));
  }
  routes.on('GET', '/graph', otherPage(deps));
  routes.on('GET', '/graph/*', otherPage(deps));
}
