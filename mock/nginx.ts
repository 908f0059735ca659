/**
 * What PMM's nginx does before and around the auth layer (pmm-auth §1.1, pmm-auth §1.3): header and
 * body limits, the `/` redirect, the security headers.
 */
import type { Next } from 'hono';
import type { Layer } from './chain.ts';
import { bodyLimit } from 'hono/body-limit';
import type { Clock } from './clock.ts';
import type { Ctx } from './context.ts';
import { memoize } from './memo.ts';
import type { Profile } from './profiles/types.ts';
import { headerSet, replaceAnswer, withHeaders } from './answer.ts';
import { bodyTooLarge, nginxPage, reject } from './errors.ts';
import { listenerOf, originalUri, rawHeaders } from './pmm/request.ts';

/** pmm-auth §1.1: `client_max_body_size 10m`. */
export const MAX_BODY_BYTES = 10 * 1024 * 1024;
/** pmm-auth §1.1: `large_client_header_buffers 128 64k` — one header line must fit in 64 KiB. */
export const MAX_HEADER_LINE_BYTES = 64 * 1024;

/** pmm-auth §1.1: http-level headers (no `always`: only on 2xx/3xx), HSTS `always`. */
const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'X-Frame-Options': 'DENY',
  'X-Content-Type-Options': 'nosniff',
  'X-XSS-Protection': '1; mode=block',
  'Cache-Control': 'no-cache',
  Pragma: 'no-cache',
};
const HSTS = 'max-age=63072000; includeSubdomains;';
/** What nginx adds to every answer (HSTS) and to a 2xx or 3xx one (pmm-auth §1.1). */
const ON_ANY = headerSet({ 'Strict-Transport-Security': HSTS });
const ON_SUCCESS = headerSet({ ...SECURITY_HEADERS, ...ON_ANY.record });

/**
 * nginx's `$uri`, what its locations and rewrites match (pmm-auth §1.3): the path of the request
 * target percent-decoded, slashes merged (`merge_slashes on`), `.` and `..` resolved, a trailing
 * slash kept. Not `$request_uri`, which the auth layer judges (pmm-auth §1.2).
 */
export function nginxUri(c: Ctx): string {
  let uri = c.get('nginxUri');
  if (uri === undefined) {
    uri = normalizeUri(originalUri(c).split('?')[0]!);
    c.set('nginxUri', uri);
  }
  return uri;
}

/** A path percent-decoded as nginx and Go's URL parser do (left as it is when it does not decode). */
export function decodedPath(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}

/** Issue 15: once per distinct path (mock/memo.ts). */
const normalizeUri = memoize(normalizeUriOnce);

function normalizeUriOnce(path: string): string {
  const decoded = decodedPath(path);
  const out: string[] = [];
  const segments = decoded.split('/');
  for (const seg of segments) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') out.pop();
    else out.push(seg);
  }
  const last = segments[segments.length - 1];
  const trailing = out.length > 0 && (last === '' || last === '.' || last === '..');
  return `/${out.join('/')}${trailing ? '/' : ''}`;
}

/**
 * pmm-auth §1.3: `rewrite ^/swagger/swagger.json$ …/swagger.json permanent;` and `rewrite
 * ^(/swagger)/(.*)$ …/swagger permanent;` — the target of a 301, or null. nginx keeps the query.
 */
function swaggerRewrite(path: string): string | null {
  if (path === '/swagger/swagger.json') return '/swagger.json';
  return path.startsWith('/swagger/') ? '/swagger' : null;
}

/**
 * Whether a header line is larger than one of nginx's buffers, each line as it arrived (issue 15:
 * read off Node's raw headers, not the Fetch `Headers` object, built only to be asked).
 */
function headerLineTooLarge(c: Ctx): boolean {
  const tooLarge = (name: string, value: string) => name.length + value.length + 2 > MAX_HEADER_LINE_BYTES;
  const raw = rawHeaders(c);
  if (!raw) return [...c.req.raw.headers].some(([name, value]) => tooLarge(name, value));
  for (let i = 0; i < raw.length; i += 2) if (tooLarge(raw[i]!, raw[i + 1]!)) return true;
  return false;
}

/** nginx's `$http_host`: the Host header (the URL's host when a test sends none). */
const hostOf = (c: Ctx): string => c.req.header('host') ?? new URL(c.req.url).host;

/** The Location of a `permanent` rewrite to `target` as the profile's nginx writes it (pmm-auth §1.3). */
function redirectLocation(c: Ctx, profile: Profile, target: string): string {
  const host = hostOf(c);
  const { scheme, port } = listenerOf(c);
  // 3.x: `$scheme://$http_host/…` written in the rule.
  if (profile.swaggerRedirect === 'httpHost') return `${scheme}://${host}${target}`;
  // 2.41: a relative rewrite; nginx (absolute_redirect on, server_name_in_redirect off, port_in_redirect
  // on) takes the Host name without its port and adds the listener's port unless it is the scheme's default.
  const name = host.startsWith('[') ? host.slice(0, host.indexOf(']') + 1) : host.split(':')[0]!;
  const defaultPort = scheme === 'https' ? 443 : 80;
  return `${scheme}://${name}${port !== null && port !== defaultPort ? `:${port}` : ''}${target}`;
}

export function nginxPhase(profile: Profile, clock: Clock): Layer {
  const limitBody = bodyLimit({
    maxSize: MAX_BODY_BYTES,
    onError: () => {
      throw bodyTooLarge();
    },
  });
  // Issue 15: async only to limit a body; otherwise nginx's headers go on when next() is done, in the same tick when it answered in it.
  return function nginx(c, next) {
    // nginx: a header line larger than one buffer → 400 "Request Header Or Cookie Too Large".
    if (headerLineTooLarge(c)) {
      throw reject(nginxPage(400, 'Bad Request', {}, 'Request Header Or Cookie Too Large'));
    }
    const swagger = swaggerRewrite(nginxUri(c));
    let done: void | Promise<void> = undefined;
    // pmm-auth §1.1: `rewrite ^/$ $scheme://$http_host/graph/;` → 302 before any auth.
    if (c.req.path === '/') {
      c.res = nginxPage(302, 'Found', { Location: `${listenerOf(c).scheme}://${hostOf(c)}/graph/` });
    } else if (swagger !== null) {
      const query = new URL(c.req.url).search;
      c.res = nginxPage(301, 'Moved Permanently', { Location: redirectLocation(c, profile, swagger) + query });
    } else if (c.req.header('content-length') !== undefined || c.req.header('transfer-encoding') !== undefined) {
      // hono's bodyLimit awaits next(), which may have finished already.
      done = limitBody(c, next as Next) as Promise<void>;
    } else {
      // Issue 15: no body to limit — and hono's bodyLimit would build the whole Fetch Request to find that out.
      done = next();
    }
    if (done instanceof Promise) return done.then(() => addHeaders(c));
    addHeaders(c);
  };

  /** pmm-auth §1.1: what nginx adds to the answer. */
  function addHeaders(c: Ctx): void {
    const ok = c.res.status >= 200 && c.res.status < 400;
    let extra = ok ? ON_SUCCESS : ON_ANY;
    // A server's Date is its clock: with the clock moved (/__mock/clock), Node's own Date would be off by the move (grafana-auth §4).
    if (clock.offsetMs() !== 0) extra = headerSet({ ...extra.record, Date: new Date(clock.nowMs()).toUTCString() });
    replaceAnswer(c, withHeaders(c.res, extra));
  }
}
