/**
 * The suite's HTTP client: node:https with the target's TLS settings applied to the suite's own
 * requests only (never NODE_TLS_REJECT_UNAUTHORIZED). Sends exactly the headers it is given.
 */
import https from 'node:https';
import type { IncomingHttpHeaders } from 'node:http';
import { rememberSecret, redactSecrets } from './redact.ts';
import type { Target } from './target.ts';

export interface HttpResult {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly text: string;
  /** The body parsed as JSON (throws with the text when it is not JSON). */
  json<T = unknown>(): T;
}

export interface RequestSpec {
  readonly method?: string;
  /** Path and query, sent as is (no normalisation). */
  readonly path: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
}

/** What a request needs of its target: where it is and how to trust it. */
export type Endpoint = Pick<Target, 'baseUrl' | 'ca' | 'insecure'>;

const agents = new Map<string, https.Agent>();

function agentFor(t: Endpoint): https.Agent {
  const key = `${t.baseUrl}|${t.insecure}|${t.ca ?? ''}`;
  let agent = agents.get(key);
  if (!agent) {
    agent = new https.Agent({
      keepAlive: true,
      maxSockets: 4,
      rejectUnauthorized: !t.insecure,
      ...(t.ca ? { ca: t.ca } : {}),
    });
    agents.set(key, agent);
  }
  return agent;
}

/** A created key or token (`{"key":…}` of a 2xx answer) is remembered, so that no report shows it (redact.ts). */
function rememberKeysIn(status: number, text: string): void {
  if (status < 200 || status > 299 || !text.includes('"key"')) return;
  try {
    const body = JSON.parse(text) as unknown;
    for (const item of Array.isArray(body) ? body : [body])
      if (item && typeof item === 'object' && typeof (item as { key?: unknown }).key === 'string')
        rememberSecret((item as { key: string }).key);
  } catch {
    // not JSON: nothing created
  }
}

export function send(t: Endpoint, spec: RequestSpec): Promise<HttpResult> {
  const url = new URL(t.baseUrl);
  return new Promise((resolve, reject) => {
    const req = https.request(
      {
        host: url.hostname.replace(/^\[|\]$/g, ''),
        port: url.port || 443,
        method: spec.method ?? 'GET',
        path: spec.path,
        headers: {
          ...(spec.body !== undefined ? { 'Content-Length': String(Buffer.byteLength(spec.body)) } : {}),
          ...spec.headers,
        },
        agent: agentFor(t),
        timeout: 15_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          rememberKeysIn(res.statusCode ?? 0, text);
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            text,
            json<T>(): T {
              try {
                return JSON.parse(text) as T;
              } catch {
                throw new Error(`expected a JSON body, got ${res.statusCode}: ${redactSecrets(text.slice(0, 300))}`);
              }
            },
          });
        });
        res.on('error', reject);
      },
    );
    req.on('timeout', () =>
      req.destroy(new Error(`no answer within 15 s: ${spec.method ?? 'GET'} ${redactSecrets(spec.path)}`)),
    );
    req.on('error', reject);
    if (spec.body !== undefined) req.write(spec.body);
    req.end();
  });
}

/** `Authorization: Bearer <key>`. */
/** `headers` with `Content-Type: application/json`, for a JSON body. */
export const withJson = (headers: Record<string, string>): Record<string, string> => ({
  ...headers,
  'Content-Type': 'application/json',
});

export const bearer = (key: string): Record<string, string> => ({ Authorization: `Bearer ${key}` });

/** Basic credentials exactly as curl sends `https://user:pass@host` (user info decoded, then base64). */
export const basicAuth = (user: string, password: string): Record<string, string> => ({
  Authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`,
});

/** The seed's URL form: `https://api_key:KEY@host` → Basic `api_key:KEY`. */
export const apiKeyBasic = (key: string): Record<string, string> => basicAuth('api_key', key);

export const adminAuth = (t: Pick<Target, 'admin'>): Record<string, string> =>
  basicAuth(t.admin.login, t.admin.password);

export function closeAgents(): void {
  for (const a of agents.values()) a.destroy();
  agents.clear();
}
