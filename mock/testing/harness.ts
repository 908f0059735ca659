/**
 * Test support for the `mock` project: starts the real mock (HTTPS + HTTP on 127.0.0.1, free
 * ports) and gives supertest agents that trust its certificate for their own requests only; or,
 * for tests that need only a request and an answer, the same mock in process with the same agent
 * API (startInProcessMock, ./in-process.ts).
 */
import https from 'node:https';
import request from 'supertest';
import { createClock, type Clock } from '../clock.ts';
import type { MockOptions, RunningMock } from '../options.ts';
import { startMock } from '../server.ts';
import { DEFAULT_CERT_DIR } from '../tls/certs.ts';
import { ADMIN_PASSWORD, TEST_DEFAULTS } from './defaults.ts';
import type { InProcessTestMock } from './in-process.ts';

export { ADMIN_PASSWORD };
export {
  startInProcessMock,
  type InProcessMock,
  type InProcessTestMock,
  type TestAgent,
  type TestRequest,
  type TestResponse,
} from './in-process.ts';

export interface TestMock {
  readonly mock: RunningMock;
  readonly clock: Clock;
  /** A supertest agent over HTTPS, trusting the mock's certificate. */
  https(): ReturnType<typeof agentFor>;
  /** A supertest agent over the plain HTTP listener. */
  http(): ReturnType<typeof request>;
  close(): Promise<void>;
}

function agentFor(url: string, ca: string) {
  const base = request(url);
  const withCa = <T extends { ca(cert: string): T }>(t: T): T => t.ca(ca);
  return {
    get: (path: string) => withCa(base.get(path)),
    post: (path: string) => withCa(base.post(path)),
    put: (path: string) => withCa(base.put(path)),
    patch: (path: string) => withCa(base.patch(path)),
    delete: (path: string) => withCa(base.delete(path)),
    head: (path: string) => withCa(base.head(path)),
  };
}

/** `Authorization: Basic base64(login:password)`. */
export function basic(login: string, password: string): string {
  return `Basic ${Buffer.from(`${login}:${password}`).toString('base64')}`;
}

export const ADMIN_AUTH = basic('admin', ADMIN_PASSWORD);

/** Starts a mock with test defaults; `overrides` replace any option. The clock is manual-friendly (real time + offset). */
export async function startTestMock(overrides: Partial<MockOptions> = {}): Promise<TestMock> {
  const clock = overrides.clock ?? createClock();
  const mock = await startMock({
    ...TEST_DEFAULTS,
    host: '127.0.0.1',
    httpsPort: 0,
    httpPort: 0,
    tls: { certDir: DEFAULT_CERT_DIR, style: 'mock' },
    ...overrides,
    clock,
  });
  return {
    mock,
    clock,
    https: () => agentFor(mock.httpsUrl, mock.certificate.certPem),
    http: () => request(mock.httpUrl ?? ''),
    close: () => mock.close(),
  };
}

/** Creates a key as admin through the API and returns it (the product path, not the store). */
export async function createKey(
  t: TestMock | InProcessTestMock,
  name: string,
  role: string,
  secondsToLive?: number,
): Promise<{ id: number; key: string }> {
  const res = await t
    .https()
    .post('/graph/api/auth/keys')
    .set('Authorization', ADMIN_AUTH)
    .set('Content-Type', 'application/json')
    .send(JSON.stringify(secondsToLive === undefined ? { name, role } : { name, role, secondsToLive }));
  if (res.status !== 200) throw new Error(`creating key ${name}: ${res.status} ${res.text}`);
  return res.body as { id: number; key: string };
}

/** `Authorization: Bearer <key>`. */
export function bearer(key: string): string {
  return `Bearer ${key}`;
}

/** pmm-auth §1.4: the auth layer's compact body (sorted keys, trailing newline). */
export function authLayerBody(code: number, message: string): string {
  return `${JSON.stringify({ code, error: message, message })}\n`;
}

/** The harness's seeded key of a role (seed-viewer, seed-editor, seed-admin). */
export function seedKey(t: TestMock | InProcessTestMock, role: 'viewer' | 'editor' | 'admin'): string {
  const key = t.mock.keys[`seed-${role}`];
  if (key === undefined) throw new Error(`no seeded key seed-${role}`);
  return key;
}

/**
 * A GET over the mock's real HTTPS socket with the headers exactly as given (several values of one
 * name become several lines, a Host of one's own is sent as is), trusting its certificate.
 */
export function rawGet(
  t: TestMock,
  path: string,
  headers: Record<string, string | string[] | undefined>,
): Promise<{ status: number; location?: string }> {
  return new Promise((resolve, reject) => {
    const req = https.request(
      {
        host: '127.0.0.1',
        servername: 'localhost',
        port: t.mock.httpsPort,
        path,
        headers,
        ca: t.mock.certificate.certPem,
        agent: false,
      },
      (res) => {
        res.resume();
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, ...(res.headers.location ? { location: res.headers.location } : {}) }),
        );
      },
    );
    req.on('error', reject);
    req.end();
  });
}
