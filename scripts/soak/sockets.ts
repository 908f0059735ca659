/**
 * `npm run soak`'s held sockets: idle keep-alive connections (one answered request, then
 * silence) and half-open TLS connections (a partial ClientHello, then silence). One the mock
 * closes (its keep-alive or handshake timeout) is opened again, and counted.
 */
import { connect, type Socket } from 'node:net';
import { PARTIAL_CLIENT_HELLO } from '../../mock/testing/sockets.ts';
import { bump } from './stats.ts';

export interface Held {
  /** How many are connected now. */
  open(): number;
  /** Resolves once all `count` have connected once (or after `ms`, with how many had). */
  connected(ms: number): Promise<number>;
  /** How many the mock closed (and were opened again). */
  readonly closedByMock: { n: number };
  /** Connection errors, by code. */
  readonly errors: Map<string, number>;
  close(): void;
}

const IDLE_REQUEST = 'GET /v1/readyz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n\r\n';

/**
 * `count` sockets to 127.0.0.1:port, each writing `payload` once and then holding still; opened
 * 20 every 20 ms, so that a burst does not overflow the mock's listen backlog (dropped SYNs are
 * retried by the kernel after 1, 3, 7, 15… s, which looks like a mock that accepts slowly).
 */
function hold(port: number, count: number, payload: Buffer | string): Held {
  const sockets = new Set<Socket>();
  let everConnected = 0;
  const waiters: (() => void)[] = [];
  const closedByMock = { n: 0 };
  const errors = new Map<string, number>();
  let stopped = false;
  const open = (): void => {
    if (stopped) return;
    const socket = connect({ host: '127.0.0.1', port });
    socket.setNoDelay(true);
    socket.on('connect', () => {
      sockets.add(socket);
      socket.write(payload);
      if (++everConnected >= count) for (const w of waiters.splice(0)) w();
    });
    socket.on('data', () => {});
    socket.on('error', (e: NodeJS.ErrnoException) => bump(errors, e.code ?? 'error'));
    socket.on('close', () => {
      const wasOpen = sockets.delete(socket);
      if (stopped) return;
      if (!wasOpen) return void setTimeout(open, 100).unref();
      closedByMock.n++;
      setTimeout(open, 100).unref();
    });
  };
  let started = 0;
  const timer = setInterval(() => {
    for (let i = 0; i < 20 && started < count; i++, started++) open();
    if (started >= count) clearInterval(timer);
  }, 20);
  return {
    open: () => sockets.size,
    connected: (ms) =>
      new Promise((resolve) => {
        const timer = setTimeout(() => resolve(everConnected), ms);
        const done = (): void => {
          clearTimeout(timer);
          resolve(everConnected);
        };
        if (everConnected >= count) done();
        else waiters.push(done);
      }),
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
