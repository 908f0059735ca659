/**
 * Issue 13: the wire faults on real sockets — a reset is a TCP RST (ECONNRESET), a close is the end
 * of the socket without a byte, a delay holds the answer for about its time — and the mock keeps
 * serving after each.
 */
import https from 'node:https';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestMock, type TestMock } from '../testing/harness.ts';

let t: TestMock;
beforeAll(async () => {
  t = await startTestMock({ journalCapacity: 100 });
});
afterAll(() => t.close());

const addFault = (spec: Record<string, unknown>) =>
  t.http().post('/__mock/faults').set('Content-Type', 'application/json').send(JSON.stringify(spec));
const clear = () => t.http().delete('/__mock/faults').set('Content-Type', 'application/json');

/** One raw HTTP/1.1 request on the plain listener: the bytes received, and how the socket ended. */
function exchange(path: string): Promise<{ bytes: string; error: string | null; ms: number }> {
  return new Promise((resolve) => {
    const start = Date.now();
    const socket = connect({ host: '127.0.0.1', port: t.mock.httpPort! });
    const chunks: Buffer[] = [];
    let error: string | null = null;
    socket.on('data', (d: Buffer) => chunks.push(d));
    socket.on('error', (e: NodeJS.ErrnoException) => (error = e.code ?? e.message));
    socket.on('close', () =>
      resolve({ bytes: Buffer.concat(chunks).toString('latin1'), error, ms: Date.now() - start }),
    );
    socket.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`);
  });
}

describe('wire faults', () => {
  it('reset: the client reads ECONNRESET and no byte, over HTTP and over TLS', async () => {
    await addFault({ name: 'reset', path: '/v1/readyz' });
    const plain = await exchange('/v1/readyz');
    expect([plain.error, plain.bytes]).toEqual(['ECONNRESET', '']);
    const tls = await new Promise<string>((resolve) => {
      https
        .get(
          {
            host: '127.0.0.1',
            port: t.mock.httpsPort,
            path: '/v1/readyz',
            ca: t.mock.certificate.certPem,
            servername: 'localhost',
            agent: false,
          },
          () => resolve('answered'),
        )
        .on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
    });
    expect(tls).toBe('ECONNRESET');
    await clear();
    expect((await exchange('/v1/readyz')).bytes).toMatch(/^HTTP\/1\.1 200 /);
  });

  it('close: the socket ends without a byte and without a reset', async () => {
    await addFault({ name: 'close', nth: 1 });
    const closed = await exchange('/v1/readyz');
    expect([closed.error, closed.bytes]).toEqual([null, '']);
    expect((await exchange('/v1/readyz')).bytes).toMatch(/^HTTP\/1\.1 200 /);
    await clear();
    const faults = t.mock.journal.list().filter((e) => e.fault === 'close');
    expect(faults.map((e) => [e.status, e.scheme, e.port])).toEqual([[0, 'http', t.mock.httpPort]]);
  });

  it('delay: the answer comes after about the delay (measured loosely)', async () => {
    await addFault({ name: 'delay', ms: 300, nth: 1 });
    const slow = await exchange('/v1/readyz');
    const fast = await exchange('/v1/readyz');
    await clear();
    expect(slow.bytes).toMatch(/^HTTP\/1\.1 200 /);
    expect(slow.ms).toBeGreaterThanOrEqual(280);
    expect(slow.ms).toBeLessThan(3000);
    expect(fast.ms).toBeLessThan(slow.ms);
  });
});
