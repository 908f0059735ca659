/**
 * The control API's guard against web pages (issue 12 §7): `/__mock` moves the clock and resets
 * the mock without authentication, so a page the user opens must not be able to drive it — by a
 * cross-site request (CSRF) or by a name of its own that resolves to the mock (DNS rebinding).
 * In front of every `/__mock` request, in this order:
 * 1. Host: only loopback addresses (127.0.0.0/8, ::1), `localhost`, the `--host` address and the
 *    listener's own address → else 403. A rebinding page's requests carry its own name as Host.
 * 2. Origin: when present, it must be the mock's own (one of its listeners' scheme and port, on an
 *    allowed host) → else 403. Browsers send Origin on every cross-origin request but a plain GET.
 * 3. Writes (any method but GET and HEAD) need `Content-Type: application/json`, bodyless ones
 *    too → else 415. A form or a no-cors `fetch` can send only form, multipart or text/plain types
 *    (or none); JSON makes a browser ask first (a CORS preflight), which the mock never grants.
 * The product API is not guarded: a real PMM answers any Host and Origin, and the mock imitates it.
 */
import type { IncomingMessage } from 'node:http';
import type { MiddlewareHandler, Next } from 'hono';
import type { Ctx, Env } from './context.ts';
import { CONTROL_PREFIX, type ListenerUrls } from './control.ts';
import { json } from './errors.ts';
import { listenerOf } from './pmm/request.ts';

export interface ControlGuardOptions {
  /** Host names or addresses accepted besides loopback and `localhost` (the `--host` address). */
  readonly hosts?: readonly string[];
  /** The mock's listeners (mock/server.ts), whose origins are the mock's own. */
  readonly listeners?: () => ListenerUrls | null;
}

/** `host[:port]` as a Host header (or an authority) may carry it: a name, an IPv4 or a bracketed IPv6. */
const AUTHORITY = /^(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._-]+)(?::\d{1,5})?$/;

/** A host name or address in one spelling: lower case, no trailing dot, IPv6 bracketed and compressed. */
export function normalHost(name: string): string | null {
  const bare = name.includes(':') && !name.startsWith('[') ? `[${name}]` : name;
  try {
    return new URL(`http://${bare}/`).hostname.replace(/\.$/, '');
  } catch {
    return null;
  }
}

/** `127.0.0.0/8` (the URL parser has normalised `0x7f.1` and the like), `::1`, `::ffff:127.x.y.z`. */
function isLoopback(host: string): boolean {
  return (
    host === 'localhost' ||
    /^127\.\d+\.\d+\.\d+$/.test(host) ||
    host === '[::1]' ||
    /^\[::ffff:7f[0-9a-f]{2}:[0-9a-f]{1,4}\]$/.test(host)
  );
}

/** The listener's own address, as a client would name it (IPv4-mapped IPv6 as IPv4). */
function localAddress(env: unknown): string | null {
  const address = (env as { incoming?: IncomingMessage } | undefined)?.incoming?.socket?.localAddress;
  if (!address) return null;
  return normalHost(address.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/, ''));
}

function refuse(status: 403 | 415, message: string): Response {
  return json(status, { error: message });
}

/** scheme + port of a URL, the default port filled in. */
function schemePort(url: URL): string {
  return `${url.protocol}${url.port || (url.protocol === 'https:' ? '443' : '80')}`;
}

const JSON_MEDIA_TYPE = /^application\/json\s*(?:;|$)/i;

export function controlGuard(options: ControlGuardOptions = {}): MiddlewareHandler<Env> {
  const extra = new Set(
    (options.hosts ?? []).map(normalHost).filter((h): h is string => h !== null && h !== '0.0.0.0' && h !== '[::]'),
  );
  // The app mounts it on /__mock/* only (mock/app.ts); mounted wider, it lets any other path pass straight on.
  return function guardControl(c, next) {
    if (c.req.path !== CONTROL_PREFIX && !c.req.path.startsWith(`${CONTROL_PREFIX}/`)) return next();
    return guard(c, next);
  };

  async function guard(c: Ctx, next: Next): Promise<Response | void> {
    const own = localAddress(c.env);
    const allowed = (host: string) => isLoopback(host) || extra.has(host) || host === own;

    const hostHeader = c.req.header('host') ?? '';
    const host = AUTHORITY.test(hostHeader) ? normalHost(hostHeader.replace(/:\d+$/, '')) : null;
    if (host === null || !allowed(host))
      return refuse(
        403,
        `the control API answers only Host names that are loopback addresses, localhost or the --host address, got Host "${hostHeader}"; see README "Control API"`,
      );

    const origin = c.req.header('origin');
    if (origin !== undefined) {
      let url: URL | null = null;
      try {
        url = new URL(origin);
      } catch {}
      // The listener this request came in on (in-process: the port its URL names), and every other.
      const listener = listenerOf(c);
      const ports = new Set([
        listener.port === null ? schemePort(new URL(c.req.url)) : `${listener.scheme}:${listener.port}`,
      ]);
      const urls = options.listeners?.();
      if (urls)
        for (const u of [urls.https, urls.http, ...Object.values(urls.personalities)])
          if (u !== null) ports.add(schemePort(new URL(u)));
      // As browsers serialise it (`scheme://host[:port]`); anything else, `null` included, is foreign.
      const ownOrigin =
        url !== null &&
        url.origin === origin &&
        (url.protocol === 'https:' || url.protocol === 'http:') &&
        allowed(url.hostname) &&
        ports.has(schemePort(url));
      if (!ownOrigin)
        return refuse(
          403,
          `the control API refuses requests from another origin (Origin "${origin}"): only pages of the mock's own listeners may call it; see README "Control API"`,
        );
    }

    if (c.req.method !== 'GET' && c.req.method !== 'HEAD' && !JSON_MEDIA_TYPE.test(c.req.header('content-type') ?? ''))
      return refuse(
        415,
        `control API writes need "Content-Type: application/json" (bodyless ones too), got ${JSON.stringify(c.req.header('content-type') ?? null)}; see README "Control API"`,
      );
    return next();
  }
}
