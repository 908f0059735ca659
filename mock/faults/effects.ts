/**
 * What each fault does to a request or its answer (README "Faults"). Wire faults (reset, close)
 * reach the raw socket through @hono/node-server's env (`c.env.incoming.socket`); answer faults
 * build the body of the layer they imitate with the helpers of mock/errors.ts.
 */
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import type { AppDeps, Ctx } from '../context.ts';
import { authLayerError, GRPC, grafanaErrorBody, grafanaResponse, grpcErrorResponse, nginxPage } from '../errors.ts';
import type { RedirectTarget, StatusLayer } from './types.ts';

function socketOf(c: Ctx): Socket | undefined {
  return (c.env as { incoming?: IncomingMessage } | undefined)?.incoming?.socket;
}

/**
 * `reset`: a TCP RST (the client reads ECONNRESET); `close`: a FIN without a byte of answer. The
 * app still returns a Response, which Node drops on the destroyed socket. In-process (no socket)
 * the answer is a network error (`Response.error()`, status 0), what fetch reports for both.
 */
export function sever(c: Ctx, how: 'reset' | 'close'): Response {
  c.set('severed', true);
  const socket = socketOf(c);
  if (!socket) return Response.error();
  // Over TLS the TCP socket is the TLS socket's parent; an RST must go out on it.
  const tcp = ((socket as Socket & { _parent?: Socket })._parent ?? socket) as Socket;
  if (how === 'reset' && typeof tcp.resetAndDestroy === 'function') tcp.resetAndDestroy();
  else if (how === 'reset') tcp.destroy();
  else {
    socket.end();
    socket.destroy();
  }
  return new Response(null, { status: 200 });
}

/** `empty-200`: 200 with a JSON type and no body, as a proxy that lost the upstream's answer. */
export function empty200(): Response {
  return new Response('', { status: 200, headers: { 'Content-Type': 'application/json', 'Content-Length': '0' } });
}

/** The answer `res` with another body (and a Content-Length that fits it). */
async function rebody(res: Response, change: (text: string) => string): Promise<Response> {
  const text = await res.text();
  const headers = new Headers(res.headers);
  headers.delete('content-length');
  return new Response(change(text), { status: res.status, headers });
}

/** `truncated-json`: the real answer's first half (a complete HTTP message whose JSON is cut). */
export function truncated(res: Response): Promise<Response> {
  return rebody(res, (t) => t.slice(0, Math.floor(t.length / 2)));
}

/** `malformed-json`: the real answer with a stray `,` before its last `}` (or a lone `{` when it has none). */
export function malformed(res: Response): Promise<Response> {
  return rebody(res, (t) => {
    const end = t.lastIndexOf('}');
    return end < 0 ? `${t}{` : `${t.slice(0, end)},${t.slice(end)}`;
  });
}

/** `status`: an error answer from the chosen layer, with that layer's real body. */
export function layerStatus(c: Ctx, deps: AppDeps, layer: StatusLayer): Response {
  const { profile } = deps;
  switch (layer) {
    case 'nginx-502':
      // pmm-auth §1.1: nginx's own error page (server_tokens off); LIKELY what nginx sends when Grafana is down.
      return nginxPage(502, 'Bad Gateway');
    case 'pmm-internal':
      // pmm-auth §2.6: a pmm-managed API error, gRPC code 13 → HTTP 500.
      return grpcErrorResponse(profile, GRPC.Internal, 'Internal server error.');
    case 'grafana-500-invalid-key': {
      // auth-bugs §B5: a server fault reported as 500 with the invalid-key message (grafana/grafana#61544).
      const message = profile.authFailures.invalidApiKey.message;
      if (c.req.path.startsWith('/graph/')) return grafanaResponse(500, grafanaErrorBody(message, true), true);
      // pmm-auth §2.3: pmm-managed turns Grafana's non-401/403 answer into code 13 with Grafana's message.
      return authLayerError(profile, GRPC.Internal, message).getResponse();
    }
  }
}

/** `redirect-root-without-port`: `/` → 302 to `/graph/` on the Host's name without its port (undefined elsewhere). */
export function redirectWithoutPort(c: Ctx): Response | undefined {
  if (c.req.path !== '/') return undefined;
  const host = c.req.header('host') ?? '';
  const name = host.replace(/:\d+$/, '');
  if (name === '') return undefined;
  const scheme = new URL(c.req.url).protocol;
  // auth-bugs §B13: PMM's `/` redirect lost the port (percona/pmm-server#55, PMM-2184).
  return new Response(null, { status: 302, headers: { Location: `${scheme}//${name}/graph/` } });
}

/** The CLI's default main ports (mock/cli-options.ts), for an app that does not know its listeners (in-process). */
const DEFAULT_PORTS = { 'https:': '8443', 'http:': '8080' } as const;

/** Where `redirect` sends a request, or null when it is there already (no redirect loop). */
function redirectTarget(c: Ctx, deps: AppDeps, to: RedirectTarget): URL | null {
  const here = new URL(c.req.url);
  // The origin the client named: the Host header (as redirectWithoutPort reads it).
  const host = c.req.header('host');
  if (host) here.host = host;
  if (to === 'other-host') {
    if (here.hostname === 'localhost') return null;
    const there = new URL(here);
    there.hostname = 'localhost';
    return there;
  }
  if (to === 'other-port') {
    // Only HTTPS → HTTP: the other listener is the mock's plain-HTTP one, another origin by scheme and port.
    if (here.protocol !== 'https:') return null;
    const known = deps.listeners().http;
    const port = known === undefined ? DEFAULT_PORTS['http:'] : known === null ? null : new URL(known).port;
    if (port === null) return null;
    const there = new URL(here);
    there.protocol = 'http:';
    there.port = port;
    return there;
  }
  const there = new URL(to);
  return there.origin === here.origin ? null : there;
}

/**
 * `redirect`: a 30x to another origin (auth-bugs §B13: PMM's `/` redirect lost the port, PMM's
 * http→https redirect; clients must not carry Authorization across origins, whatwg/fetch#944).
 */
export function redirectElsewhere(c: Ctx, deps: AppDeps, to: RedirectTarget, status: number): Response | undefined {
  const there = redirectTarget(c, deps, to);
  if (!there) return undefined;
  return new Response(null, { status, headers: { Location: there.href } });
}

/** `www-authenticate`: adds a Basic challenge to a 401 (PMM sends none: auth-bugs §B8); the same answer otherwise. */
export function withChallenge(res: Response, realm: string): Response | undefined {
  if (res.status !== 401) return undefined;
  const headers = new Headers(res.headers);
  headers.set('WWW-Authenticate', `Basic realm="${realm}"`);
  return new Response(res.body, { status: res.status, headers });
}

/** `replace-authorization`: the proxy's own Basic credentials, as one header line. */
export function proxyBasic(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
}

/**
 * `duplicate-key-500`: old Grafana's answer to a key create whose name is taken — 500 "Failed to
 * add API key" where today's Grafana answers 409 (undefined for any other answer).
 */
export function duplicateKeyAs500(c: Ctx, res: Response): Response | undefined {
  if (c.req.method !== 'POST' || !/^(\/graph)?\/api\/auth\/keys\/?$/.test(c.req.path) || res.status !== 409)
    return undefined;
  // auth-bugs §B2: before grafana/grafana#17905 a duplicate name was 500 "Failed to add API key" (no traceID then).
  return grafanaResponse(500, grafanaErrorBody('Failed to add API key', false));
}
