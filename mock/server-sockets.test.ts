/**
 * Issue 12 §4 and §8: stalled and idle connections. A TLS handshake that never completes is
 * closed after the handshake timeout; a request header that never completes is closed after the
 * header timeout without an answer (as nginx does); an idle keep-alive connection after the
 * keep-alive timeout; and close() ends every socket, handshaking or not. Timeouts are short here
 * (options of startMock); the defaults are nginx's (mock/server.ts DEFAULT_TIMEOUTS).
 */
import { Agent, request as httpsRequest } from 'node:https';
import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { connect as tlsConnect } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestMock, type TestMock } from './testing/harness.ts';
import { PARTIAL_CLIENT_HELLO, PARTIAL_HEADER, stall } from './testing/sockets.ts';

const SHORT = { handshakeMs: 300, headerMs: 300, keepAliveMs: 300 };
/** How long a test waits for the mock to close a socket whose timeout is SHORT. */
const CLOSE_WITHIN_MS = 2000;

describe.concurrent('issue 12 §4, §8: stalled connections are closed after their timeout', () => {
  let t: TestMock;
  beforeAll(async () => {
    t = await startTestMock({ timeouts: SHORT });
  });
  afterAll(() => t.close());

  it.each([
    ['a partial ClientHello', PARTIAL_CLIENT_HELLO],
    ['nothing', undefined],
  ])(
    'issue 12 §4: a TLS connection that sends %s is closed after the handshake timeout, with no HTTP answer',
    async (_, payload) => {
      const raw = await stall(t.mock.httpsPort, payload);
      const { bytes, afterMs } = await raw.closed(CLOSE_WITHIN_MS);
      expect(bytes).not.toContain('HTTP/1.1');
      expect(afterMs).toBeGreaterThanOrEqual(SHORT.handshakeMs - 50);
    },
  );

  it('issue 12 §4: a failed handshake is still journaled', async () => {
    const raw = await stall(t.mock.httpsPort, PARTIAL_CLIENT_HELLO);
    await raw.closed(CLOSE_WITHIN_MS);
    expect(t.mock.journal.listTls().some((e) => e.error === 'ERR_TLS_HANDSHAKE_TIMEOUT')).toBe(true);
  });

  it.each([
    ['a partial request header', PARTIAL_HEADER],
    ['nothing', undefined],
  ])(
    'issue 12 §8: plain HTTP: %s is closed after the header timeout without an answer (nginx: no 408 is sent)',
    async (_, payload) => {
      const raw = await stall(t.mock.httpPort!, payload);
      const { bytes, afterMs } = await raw.closed(CLOSE_WITHIN_MS);
      expect(bytes).toBe('');
      expect(afterMs).toBeGreaterThanOrEqual(SHORT.headerMs - 50);
    },
  );

  it('issue 12 §8: HTTPS: a partial request header after the handshake is closed after the header timeout without an answer', async () => {
    const socket = tlsConnect({
      host: '127.0.0.1',
      port: t.mock.httpsPort,
      ca: t.mock.certificate.certPem,
      servername: 'localhost',
    });
    let bytes = '';
    socket.on('data', (d: Buffer) => (bytes += d.toString('latin1')));
    socket.on('error', () => {});
    await new Promise<void>((resolve) => socket.once('secureConnect', () => resolve()));
    socket.write(PARTIAL_HEADER);
    const closed = await Promise.race([
      new Promise<boolean>((resolve) => socket.once('close', () => resolve(true))),
      new Promise<boolean>((resolve) => setTimeout(() => resolve(false), CLOSE_WITHIN_MS)),
    ]);
    socket.destroy();
    expect(closed).toBe(true);
    expect(bytes).toBe('');
  });

  it('issue 12 §8: a request answered on a keep-alive connection, then idle, is closed after the keep-alive timeout', async () => {
    const socket = await stall(t.mock.httpPort!, 'GET /v1/readyz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
    const { bytes, afterMs } = await socket.closed(CLOSE_WITHIN_MS);
    expect(bytes.startsWith('HTTP/1.1 200 ')).toBe(true);
    expect(afterMs).toBeGreaterThanOrEqual(SHORT.keepAliveMs - 50);
  });
});

describe('issue 12 §4: close() ends every socket', () => {
  it('close() resolves within 2 s with half-handshaken, silent and idle keep-alive sockets open (default timeouts)', async () => {
    const t = await startTestMock();
    const raws = await Promise.all([
      stall(t.mock.httpsPort, PARTIAL_CLIENT_HELLO),
      stall(t.mock.httpsPort),
      stall(t.mock.httpPort!, PARTIAL_HEADER),
    ]);
    // Idle keep-alive connections after one answered request, over HTTPS and HTTP.
    const httpsAgent = new Agent({ keepAlive: true, ca: t.mock.certificate.certPem });
    const httpAgent = new HttpAgent({ keepAlive: true });
    const get = (url: string) =>
      new Promise<number>((resolve, reject) => {
        const req = (url.startsWith('https:') ? httpsRequest : httpRequest)(
          url,
          { agent: url.startsWith('https:') ? httpsAgent : httpAgent },
          (res) => {
            res.resume();
            res.on('end', () => resolve(res.statusCode ?? 0));
          },
        );
        req.on('error', reject);
        req.end();
      });
    expect(await get(`${t.mock.httpsUrl}/v1/readyz`)).toBe(200);
    expect(await get(`${t.mock.httpUrl}/v1/readyz`)).toBe(200);
    const started = Date.now();
    const closed = await Promise.race([
      t.close().then(() => true),
      new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 2000)),
    ]);
    const elapsed = Date.now() - started;
    // The mock closed the stalled sockets itself (each rejects if it is still open).
    const ended = await Promise.allSettled(raws.map((r) => r.closed(500)));
    httpsAgent.destroy();
    httpAgent.destroy();
    expect(closed).toBe(true);
    expect(elapsed).toBeLessThan(2000);
    expect(ended.map((e) => e.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled']);
  });
});
