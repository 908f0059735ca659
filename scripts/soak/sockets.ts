/**
 * `npm run soak`'s held sockets: idle keep-alive connections (one answered request, then
 * silence) and half-open TLS connections (a partial ClientHello, then silence). One the mock
 * closes (its keep-alive or handshake timeout) is opened again, and counted.
 */
import { connect, type Socket } from 'node:net';
import { PARTIAL_CLIENT_HELLO } from '../../mock/testing/sockets.ts';
import { bump } from './stats.ts';

export interface Held {
  /** How many are open now. */
  open(): number;
  /** How many the mock closed (and were opened again). */
  readonly closedByMock: { n: number };
  /** Connection errors, by code. */
  readonly errors: Map<string, number>;
  close(): void;
}

const IDLE_REQUEST = 'GET /v1/readyz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n\r\n';

/**
 * `count` sockets to 127.0.0.1:port, each writing `payload` once and then holding still; opened
 * `perTick` at a time so that a burst does not overflow the listen backlog.
 */
function hold(port: number, count: number, payload: Buffer | string): Held {
  const sockets = new Set<Socket>();
  const closedByMock = { n: 0 };
  const errors = new Map<string, number>();
  let stopped = false;
  const open = (): void => {
    if (stopped) return;
    const socket = connect({ host: '127.0.0.1', port });
    sockets.add(socket);
    socket.setNoDelay(true);
    socket.on('connect', () => socket.write(payload));
    socket.on('data', () => {});
    socket.on('error', (e: NodeJS.ErrnoException) => bump(errors, e.code ?? 'error'));
    socket.on('close', () => {
      sockets.delete(socket);
      if (stopped) return;
      closedByMock.n++;
      setTimeout(open, 100).unref();
    });
  };
  let started = 0;
  const timer = setInterval(() => {
    for (let i = 0; i < 50 && started < count; i++, started++) open();
    if (started >= count) clearInterval(timer);
  }, 20);
  return {
    open: () => sockets.size,
    closedByMock,
    errors,
    close: () => {
      stopped = true;
      clearInterval(timer);
      for (const s of sockets) s.destroy();
    },
  };
}

/** Idle keep-alive connections on the plain HTTP listener. */
export function holdIdle(httpPort: number, count: number): Held {
  return hold(httpPort, count, IDLE_REQUEST);
}

/** TLS connections on the HTTPS listener that never finish their handshake. */
export function holdHalfOpen(httpsPort: number, count: number): Held {
  return hold(httpsPort, count, PARTIAL_CLIENT_HELLO);
}
