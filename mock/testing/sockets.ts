/**
 * Test support for stalled clients (issue 12 §4, §8): raw TCP connections that send a partial
 * TLS ClientHello, a partial request header, or nothing, and then wait for the mock to close them.
 */
import { connect, type Socket } from 'node:net';

/** A TLS record header announcing a 512-byte ClientHello, and the first bytes of it: a handshake that never completes. */
export const PARTIAL_CLIENT_HELLO = Buffer.from([0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xfc, 0x03, 0x03]);

/** A request header that is never finished. */
export const PARTIAL_HEADER = 'GET /v1/readyz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ';

export interface StalledSocket {
  readonly socket: Socket;
  /** Everything the mock sent, once it closed the socket, and when (ms after connecting); rejects if still open after `ms`. */
  closed(ms: number): Promise<{ bytes: string; afterMs: number }>;
}

/** A raw TCP connection to 127.0.0.1:port that writes `payload` (or nothing) and then stalls. */
export function stall(port: number, payload?: Buffer | string): Promise<StalledSocket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port });
    const chunks: Buffer[] = [];
    let ended: number | null = null;
    const waiters: (() => void)[] = [];
    socket.on('data', (d: Buffer) => chunks.push(d));
    socket.on('close', () => {
      ended = Date.now();
      for (const w of waiters.splice(0)) w();
    });
    socket.once('error', reject);
    socket.once('connect', () => {
      socket.off('error', reject);
      socket.on('error', () => {});
      const start = Date.now();
      if (payload !== undefined) socket.write(payload);
      resolve({
        socket,
        closed: (ms) =>
          new Promise((res, rej) => {
            const done = (): void => {
              clearTimeout(timer);
              res({ bytes: Buffer.concat(chunks).toString('latin1'), afterMs: ended! - start });
            };
            const timer = setTimeout(() => {
              socket.destroy();
              rej(new Error(`the mock had not closed the socket after ${ms} ms`));
            }, ms);
            if (ended !== null) done();
            else waiters.push(done);
          }),
      });
    });
  });
}
