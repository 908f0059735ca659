/**
 * The one module that listens: an HTTPS listener and a plain HTTP listener (PMM serves the
 * full API on both, pmm-auth §1.1) over one app, one store, one clock.
 */
import { X509Certificate } from 'node:crypto';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { createAdaptorServer } from '@hono/node-server';
import { createApp } from './app.ts';
import type { ListenerUrls } from './control.ts';
import { createClock } from './clock.ts';
import { nginxPage } from './errors.ts';
import { initialStore } from './initial-store.ts';
import { Journal } from './journal.ts';
import { DEFAULT_TIMEOUTS, type MockOptions, type RunningMock } from './options.ts';
import { cryptoRandom } from './random.ts';
import { ensureCertificate, loadCertificatePair, type CertPair } from './tls/certs.ts';
import { ensurePersonalities, type PersonalitySet } from './tls/personalities.ts';
import { recordTlsEvents } from './tls/events.ts';

/** pmm-auth §1.1: nginx allows 128 header buffers of 64 KiB; Node's total header limit is set generously. */
const MAX_HEADER_BYTES = 1024 * 1024;
/** How long a socket answered with a parser error is still read before it is closed (see answerClientErrors). */
const LINGER_MS = 5_000;

function listen(server: HttpServer, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (e: NodeJS.ErrnoException) =>
      reject(new Error(`cannot listen on ${host}:${port}: ${e.code ?? e.message}`));
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/**
 * Requests Node's parser refuses never reach the app: answer them as nginx would, and keep serving.
 * Everything else that ends here closes the socket without a byte: a failed or timed-out TLS
 * handshake (https.Server passes `tlsClientError` on as `clientError`; there is no TLS session to
 * write an answer on, and a write would wait for a handshake that never comes, keeping the socket
 * open), and a request header not complete within the header timeout (nginx closes the connection
 * on `client_header_timeout` and writes no 408: the 408 is only its access log's status).
 */
function answerClientErrors(server: HttpServer): void {
  // Node's parser reports its error again for every later chunk of the same request: the socket is answered once.
  const answering = new WeakSet<Socket>();
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Socket) => {
    if (answering.has(socket)) return;
    const parserError = err.code?.startsWith('HPE_') ?? false;
    const answered = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage?.headersSent;
    if (!parserError || answered || !socket.writable) return socket.destroy();
    answering.add(socket);
    const tooLarge = err.code === 'HPE_HEADER_OVERFLOW';
    const page = nginxPage(400, 'Bad Request', {}, tooLarge ? 'Request Header Or Cookie Too Large' : undefined);
    void page.text().then((body) => {
      socket.end(
        `HTTP/1.1 400 Bad Request\r\nContent-Type: text/html\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
      );
      // nginx's lingering close (its documented default, lingering_timeout 5s; PMM's setting is not in the
      // reference, UNVERIFIED): what the client still sends is read and dropped, so that closing with it
      // unread does not reset the connection before the client has read the answer.
      setTimeout(() => socket.destroy(), LINGER_MS).unref();
    });
  });
}

function urlHost(host: string): string {
  const shown = host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '::1' : host;
  return shown.includes(':') ? `[${shown}]` : shown;
}

/** The main listener's certificate and the file that verifies it. */
async function mainCertificate(
  opts: MockOptions,
  set: PersonalitySet | null,
  nowMs: number,
): Promise<{ certificate: CertPair; caFile: string }> {
  const tls = opts.tls;
  if ('certFile' in tls) {
    const certificate = loadCertificatePair(tls.certFile, tls.keyFile);
    return { certificate, caFile: certificate.certFile };
  }
  if ('style' in tls) {
    const certificate = await ensureCertificate(tls.certDir, tls.style, nowMs);
    return { certificate, caFile: certificate.certFile };
  }
  const p = set?.personalities.get(tls.personality);
  if (!set || !p) throw new Error(`unknown certificate personality "${tls.personality}"`);
  const x509 = new X509Certificate(p.chainPem);
  const certificate = {
    certPem: p.chainPem,
    keyPem: p.keyPem,
    certFile: p.certFile,
    keyFile: p.keyFile,
    notBefore: new Date(x509.validFrom),
    notAfter: new Date(x509.validTo),
  };
  return { certificate, caFile: set.rootCaFile };
}

export async function startMock(opts: MockOptions): Promise<RunningMock> {
  const clock = opts.clock ?? createClock();
  const random = opts.random ?? cryptoRandom;
  const wantsSet = opts.personalities !== undefined || 'personality' in opts.tls;
  const setDir = opts.personalities?.certDir ?? ('personality' in opts.tls ? opts.tls.certDir : '');
  const set = wantsSet ? await ensurePersonalities(setDir) : null;
  for (const name of opts.personalities?.names ?? []) {
    if (!set?.personalities.has(name))
      throw new Error(
        `unknown certificate personality "${name}" (known: ${[...(set?.personalities.keys() ?? [])].join(', ')})`,
      );
  }
  // Certificates are dated by the wall clock (clients check them against it), not the mock's clock.
  const { certificate, caFile } = await mainCertificate(opts, set, Date.now());
  const { store, keys, passwords } = initialStore(opts, clock, random);
  const journal = new Journal(opts.journalCapacity ?? 1000);
  const portNames = new Map<number, string>();
  let listenerUrls: ListenerUrls | null = null;
  const app = createApp({
    profile: opts.profile,
    store,
    clock,
    journal,
    random,
    keyMaxSecondsToLive: opts.keyMaxSecondsToLive,
    ...(opts.basicAuthEnabled === undefined ? {} : { basicAuthEnabled: opts.basicAuthEnabled }),
    ...(opts.scenario ? { scenario: opts.scenario } : {}),
    initialState: opts,
    deviations: new Set(opts.deviations ?? []),
    listenerName: (port) => (port === null ? null : (portNames.get(port) ?? null)),
    listeners: () => listenerUrls,
    controlHosts: [opts.host],
    ...(opts.log ? { log: opts.log } : {}),
  });

  const timeouts = { ...DEFAULT_TIMEOUTS, ...opts.timeouts };
  // Node checks headersTimeout and requestTimeout every connectionsCheckingInterval (default
  // 30 s, so a 60 s header timeout could take 90): check often enough to hold them to a tenth.
  const checkEvery = Math.max(
    10,
    Math.min(1000, Math.floor(Math.min(timeouts.headerMs || 1000, timeouts.requestMs || 1000) / 10)),
  );
  const httpOptions = {
    maxHeaderSize: MAX_HEADER_BYTES,
    headersTimeout: timeouts.headerMs,
    requestTimeout: timeouts.requestMs,
    keepAliveTimeout: timeouts.keepAliveMs,
    connectionsCheckingInterval: checkEvery,
  };
  const servers: HttpServer[] = [];
  /** Every accepted TCP socket, handshaking or not (closeAllConnections knows only those with an HTTP parser). */
  const sockets = new Set<Socket>();
  const make = (tls: { cert: string; key: string; name: string | null; weak?: boolean } | null): HttpServer => {
    // OpenSSL refuses to load a SHA-1-signed certificate at the default security level ("ca md too
    // weak"); the `sha1` personality exists to be served, so its listener alone runs at level 0.
    const weak = tls?.weak ? { ciphers: 'DEFAULT@SECLEVEL=0' } : {};
    const server = (
      tls
        ? createAdaptorServer({
            fetch: app.fetch,
            hostname: urlHost(opts.host),
            createServer: createHttpsServer,
            serverOptions: {
              ...httpOptions,
              handshakeTimeout: timeouts.handshakeMs,
              cert: tls.cert,
              key: tls.key,
              ...weak,
            },
          })
        : createAdaptorServer({
            fetch: app.fetch,
            hostname: urlHost(opts.host),
            createServer: createHttpServer,
            serverOptions: httpOptions,
          })
    ) as HttpServer;
    server.on('connection', (socket: Socket) => {
      sockets.add(socket);
      socket.once('close', () => sockets.delete(socket));
    });
    answerClientErrors(server);
    if (tls) recordTlsEvents(server, journal, clock, tls.name);
    servers.push(server);
    return server;
  };
  // Shutdown ends every socket: idle, mid-request, or still in its TLS handshake.
  const close = async (): Promise<void> => {
    const closing = Promise.all(
      servers.map(
        (s) =>
          new Promise<void>((resolve) => {
            if (!s.listening) return resolve();
            s.close(() => resolve());
            s.closeAllConnections();
          }),
      ),
    );
    for (const socket of sockets) socket.destroy();
    await closing;
  };
  try {
    const host = urlHost(opts.host);
    const httpsPort = await listen(
      make({ cert: certificate.certPem, key: certificate.keyPem, name: null }),
      opts.httpsPort,
      opts.host,
    );
    const httpPort = opts.httpPort === -1 ? null : await listen(make(null), opts.httpPort, opts.host);
    const personalities: Record<string, { url: string; port: number }> = {};
    for (const name of opts.personalities?.names ?? []) {
      const p = set!.personalities.get(name)!;
      const port = await listen(
        make({ cert: p.chainPem, key: p.keyPem, name, weak: p.declaration.hash === 'SHA-1' }),
        0,
        opts.host,
      );
      portNames.set(port, name);
      personalities[name] = { url: `https://${host}:${port}`, port };
    }
    const httpsUrl = `https://${host}:${httpsPort}`;
    const httpUrl = httpPort === null ? null : `http://${host}:${httpPort}`;
    listenerUrls = {
      https: httpsUrl,
      http: httpUrl,
      caFile,
      personalities: Object.fromEntries(Object.entries(personalities).map(([name, p]) => [name, p.url])),
    };
    return {
      httpsUrl,
      httpUrl,
      httpsPort,
      httpPort,
      certificate,
      caFile,
      personalities,
      personalitySet: set,
      keys,
      passwords,
      scenario: opts.scenario ?? null,
      store,
      clock,
      journal,
      close,
    };
  } catch (e) {
    await close();
    throw e;
  }
}
