/** Facts about the raw request that Hono's URL object hides. */
import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';
import type { Ctx } from '../context.ts';

/** Grafana's paths: nginx's `/graph` location, Hono's `/graph/*` (which takes `/graph` itself too). */
export const isGrafanaPath = (path: string): boolean => path === '/graph' || path.startsWith('/graph/');

function incoming(c: Ctx): IncomingMessage | undefined {
  return (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
}

/** nginx `$request_uri`: the request target as sent (the URL parser would resolve `..` and `%2e`). */
export function originalUri(c: Ctx): string {
  const raw = incoming(c)?.url;
  if (raw !== undefined && raw.startsWith('/')) return raw;
  const url = new URL(c.req.url);
  return url.pathname + url.search;
}

/** The header lines as they arrived, name and value in turn (undefined without a raw request: hono's `app.request`). */
export const rawHeaders = (c: Ctx): readonly string[] | undefined => incoming(c)?.rawHeaders;

/** nginx/Node trim a header value's leading and trailing whitespace (as the Fetch `Headers` object does). */
const HTTP_WHITESPACE = /^[\t\n\r ]+|[\t\n\r ]+$/g;

/** The `Authorization` header lines as they arrived (Node keeps only the first in `headers`). */
export function authorizationLines(c: Ctx): string[] {
  // A proxy fault (mock/faults/layer.ts) changed what reaches PMM.
  const override = c.get('authorizationOverride');
  if (override) return override;
  const raw = rawHeaders(c);
  if (!raw) {
    const h = c.req.raw.headers.get('authorization');
    return h === null ? [] : [h];
  }
  const lines: string[] = [];
  for (let i = 0; i < raw.length; i += 2)
    if (raw[i]!.toLowerCase() === 'authorization') lines.push(raw[i + 1]!.replace(HTTP_WHITESPACE, ''));
  return lines;
}

/** The listener's side of the connection: scheme and local port (null in in-process tests). */
export function listenerOf(c: Ctx): { scheme: 'https' | 'http'; port: number | null } {
  const socket = incoming(c)?.socket as TLSSocket | undefined;
  if (socket) return { scheme: socket.encrypted ? 'https' : 'http', port: socket.localPort ?? null };
  return { scheme: new URL(c.req.url).protocol === 'https:' ? 'https' : 'http', port: null };
}
