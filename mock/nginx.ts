/**
 * What PMM's nginx does before and around the auth layer (pmm-auth §1.1, pmm-auth §1.3): header and
 * body limits, the `/` redirect, the security headers.
 */
import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { Env } from './context.ts';
import { bodyTooLarge, nginxPage, reject } from './errors.ts';
import { listenerOf } from './pmm/request.ts';

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

export function nginxPhase(): MiddlewareHandler<Env> {
  const limitBody = bodyLimit({
    maxSize: MAX_BODY_BYTES,
    onError: () => {
      throw bodyTooLarge();
    },
  });
  return async function nginx(c, next) {
    for (const [name, value] of c.req.raw.headers) {
      // nginx: a header line larger than one buffer → 400 "Request Header Or Cookie Too Large".
      if (name.length + value.length + 2 > MAX_HEADER_LINE_BYTES) {
        throw reject(nginxPage(400, 'Bad Request', {}, 'Request Header Or Cookie Too Large'));
      }
    }
    // pmm-auth §1.1: `rewrite ^/$ $scheme://$http_host/graph/;` → 302 before any auth.
    if (c.req.path === '/') {
      const host = c.req.header('host') ?? new URL(c.req.url).host;
      c.res = nginxPage(302, 'Found', { Location: `${listenerOf(c).scheme}://${host}/graph/` });
    } else {
      await limitBody(c, next);
    }
    const ok = c.res.status >= 200 && c.res.status < 400;
    if (ok) for (const [k, v] of Object.entries(SECURITY_HEADERS)) c.res.headers.set(k, v);
    c.res.headers.set('Strict-Transport-Security', HSTS);
  };
}
