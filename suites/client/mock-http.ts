/**
 * The client harness's own requests to a mock: the product API (minting keys as admin, asking
 * whose a key is) and the control API (`/__mock/…`). Over HTTPS they trust the given CA, for
 * these requests only; one keep-alive agent per mock.
 */
import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';

export interface Answer {
  readonly status: number;
  readonly text: string;
}

export interface MockHttp {
  readonly base: string;
  call(
    method: string,
    path: string,
    opts?: { readonly headers?: Readonly<Record<string, string>>; readonly json?: unknown },
  ): Promise<Answer>;
  close(): void;
}

const TIMEOUT_MS = 10_000;

export function mockHttp(base: string, caPem: string | null): MockHttp {
  const url = new URL(base);
  const secure = url.protocol === 'https:';
  const agent = secure
    ? new HttpsAgent({ keepAlive: true, ...(caPem ? { ca: caPem } : {}) })
    : new HttpAgent({ keepAlive: true });
  return {
    base: url.origin,
    call(method, path, opts = {}) {
      const body = opts.json === undefined ? undefined : JSON.stringify(opts.json);
      const headers: Record<string, string> = {
        ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}),
        ...opts.headers,
      };
      const attempt = (retry: boolean): Promise<Answer> =>
        new Promise<Answer>((resolve, reject) => {
          const send = secure ? httpsRequest : httpRequest;
          const req = send(new URL(path, url.origin), { method, headers, agent, timeout: TIMEOUT_MS }, (res) => {
            let text = '';
            res.setEncoding('utf8');
            res.on('data', (d: string) => (text += d));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
          });
          req.on('timeout', () => req.destroy(new Error(`no answer within ${TIMEOUT_MS} ms`)));
          req.on('error', (e: NodeJS.ErrnoException) => {
            // The mock closed an idle kept-alive connection as it was reused: the request never arrived; send it again once.
            if (retry && req.reusedSocket && e.code === 'ECONNRESET') resolve(attempt(false));
            else reject(new Error(`${method} ${url.origin}${path.split('?')[0]}: ${e.message}`));
          });
          req.end(body);
        });
      return attempt(true);
    },
    close: () => agent.destroy(),
  };
}

/** The answer's JSON; a harness error naming the request when it is not JSON. */
export function jsonOf<T>(answer: Answer, what: string): T {
  try {
    return JSON.parse(answer.text) as T;
  } catch {
    throw new Error(`${what}: answered ${answer.status} with a body that is not JSON: ${answer.text.slice(0, 120)}`);
  }
}

/** `Authorization: Basic base64(login:password)` (grafana-auth §6.1: how Grafana's admin signs in). */
export function basicAuth(login: string, password: string): string {
  return `Basic ${Buffer.from(`${login}:${password}`).toString('base64')}`;
}
