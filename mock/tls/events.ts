/**
 * Server-side evidence of a refused certificate: every TLS connection that carried no HTTP
 * request goes into the journal — a failed handshake (with the alert the client sent), or a
 * handshake followed by a close without any request (clients that verify after the handshake).
 */
import type { Server as HttpServer, IncomingMessage } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import type { Clock } from '../clock.ts';
import type { Journal } from '../journal.ts';

/** "…:tlsv1 alert unknown ca:…SSL alert number 48" → 48, "unknown ca". */
export function parseAlert(message: string): { alert: number | null; alertDescription: string | null } {
  const n = /SSL alert number (\d+)/.exec(message);
  const d = /(?:sslv3|tlsv1|tlsv13) alert ([a-z ]+?)(?::|$)/.exec(message);
  return { alert: n ? Number(n[1]) : null, alertDescription: d ? d[1]! : null };
}

/**
 * Runs a recording step of an event handler: whatever it throws is reported on stderr and goes
 * no further — a throw out of a server's event handler is uncaught and would end the mock.
 */
function guarded(what: string, record: () => void): void {
  try {
    record();
  } catch (err) {
    process.stderr.write(`mock: could not record a TLS event (${what}): ${String(err)}\n`);
  }
}

export function recordTlsEvents(server: HttpServer, journal: Journal, clock: Clock, personality: string | null): void {
  const served = new WeakSet<Socket>();
  // A socket that failed its handshake may be destroyed already: the listener's port is the socket's.
  const listenerPort = (): number | null => (server.address() as AddressInfo | null)?.port ?? null;
  server.on('request', (req: IncomingMessage) => served.add(req.socket));
  server.on('tlsClientError', (err: NodeJS.ErrnoException, socket: TLSSocket) => {
    guarded('handshake-failed', () =>
      journal.recordTls({
        timeMs: clock.nowMs(),
        personality,
        port: listenerPort(),
        event: 'handshake-failed',
        error: err.code ?? err.message,
        ...parseAlert(err.message),
      }),
    );
  });
  server.on('secureConnection', (socket: TLSSocket) => {
    let port: number | null = null;
    guarded('secure connection', () => {
      port = listenerPort();
    });
    socket.once('close', () => {
      if (served.has(socket)) return;
      guarded('closed-without-request', () =>
        journal.recordTls({
          timeMs: clock.nowMs(),
          personality,
          port,
          event: 'closed-without-request',
          error: null,
          alert: null,
          alertDescription: null,
        }),
      );
    });
  });
}
