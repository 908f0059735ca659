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
import { createClock, type Clock } from './clock.ts';
import { issueLegacyKey } from './grafana/keys.ts';
import { issueServiceAccountToken } from './grafana/sa-tokens.ts';
import { createServiceAccount, serviceAccountNamed } from './grafana/service-accounts.ts';
import type { Deviation } from './deviations.ts';
import { Journal } from './journal.ts';
import type { OrgRole, Profile } from './profiles/types.ts';
import { cryptoRandom, type RandomBytes } from './random.ts';
import { applyClockAndLogins, withScenario, type StateOptions } from './scenarios/apply.ts';
import type { Scenario } from './scenarios/types.ts';
import { ORG_ID, Store, type NewUser } from './store.ts';
import { nginxPage } from './errors.ts';
import { ensureCertificate, loadCertificatePair, type CertPair, type CertStyle } from './tls/certs.ts';
import { ensurePersonalities, type PersonalitySet } from './tls/personalities.ts';
import { recordTlsEvents } from './tls/events.ts';
import type { SecretShape } from './identity/key-codec.ts';

export interface SeedKey {
  readonly name: string;
  readonly role: OrgRole;
  /** 0 or absent: never expires. */
  readonly secondsToLive?: number;
  /** A scenario's legacy key may ask for a secret with `+ / =` in its key (auth-bugs §B10). */
  readonly secretShape?: SecretShape;
}

export interface MockOptions {
  readonly profile: Profile;
  readonly host: string;
  /** 0 = any free port. */
  readonly httpsPort: number;
  /** 0 = any free port; -1 = no plain HTTP listener. */
  readonly httpPort: number;
  readonly adminPassword: string;
  readonly users: readonly NewUser[];
  readonly seedKeys: readonly SeedKey[];
  /** Profiles with service accounts: each creates account NAME (role ROLE) and a `glsa_` token NAME. */
  readonly seedTokens?: readonly SeedKey[];
  readonly keyMaxSecondsToLive: number;
  /** grafana-auth §6.1: `[auth.basic] enabled` (default true; a scenario may turn it off, auth-bugs §B9). */
  readonly basicAuthEnabled?: boolean;
  /** The bug-reproduction scenario to start in (`--scenario`, `--scenario-file`; fixtures/scenarios/README.md). */
  readonly scenario?: Scenario;
  /** The main HTTPS listener's certificate: a user-supplied pair, a generated style, or a personality. */
  readonly tls:
    | { readonly certFile: string; readonly keyFile: string }
    | { readonly certDir: string; readonly style: CertStyle }
    | { readonly certDir: string; readonly personality: string };
  /** Certificate personalities to serve, each on its own HTTPS port (free ports), sharing the app and store. */
  readonly personalities?: { readonly certDir: string; readonly names: readonly string[] };
  readonly journalCapacity?: number;
  /** Connection timeouts (ms), each defaulting to DEFAULT_TIMEOUTS (nginx's); tests use short ones. */
  readonly timeouts?: Partial<MockTimeouts>;
  /** Test-only deviations for the suite's self-check (mock/deviations.ts). */
  readonly deviations?: readonly Deviation[];
  readonly clock?: Clock;
  readonly random?: RandomBytes;
  readonly log?: (line: string) => void;
}

export interface RunningMock {
  readonly httpsUrl: string;
  readonly httpUrl: string | null;
  readonly httpsPort: number;
  readonly httpPort: number | null;
  /** The certificate the main HTTPS listener serves. */
  readonly certificate: CertPair;
  /** The file that verifies the main HTTPS listener: the certificate itself, or the test root CA for a personality. */
  readonly caFile: string;
  /** Personality listeners by name. */
  readonly personalities: Readonly<Record<string, { readonly url: string; readonly port: number }>>;
  /** The generated personality set, when one is served. */
  readonly personalitySet: PersonalitySet | null;
  /** Seeded keys and tokens by name: the only place a whole key is given out after creation. */
  readonly keys: Readonly<Record<string, string>>;
  /** The scenario's users' generated passwords by login (empty without a scenario). */
  readonly passwords: Readonly<Record<string, string>>;
  /** The scenario it started in, if any. */
  readonly scenario: Scenario | null;
  readonly store: Store;
  readonly clock: Clock;
  readonly journal: Journal;
  close(): Promise<void>;
}

/** How long the mock waits on a client, in milliseconds (README: "Stalled and idle connections"). */
export interface MockTimeouts {
  /** From accept to a finished TLS handshake; then the socket is closed (no answer: there is no TLS session to answer on). */
  readonly handshakeMs: number;
  /** From the connection (or, over TLS, the handshake) to a complete request header; then the socket is closed without an answer. */
  readonly headerMs: number;
  /** An idle keep-alive connection after an answer, before the next request starts; then it is closed (Node adds 1 s). */
  readonly keepAliveMs: number;
  /** The whole request, body included (Node's requestTimeout; nginx has no such limit); not less than headerMs. */
  readonly requestMs: number;
}

/**
 * nginx's, as PMM runs it. pmm-auth §1.1: PMM's nginx sets no `client_header_timeout`, so it is
 * nginx's default, 60 s; nginx also times the TLS handshake with it (`ngx_http_init_connection`
 * and `ngx_http_ssl_handshake` in nginx's src/http/ngx_http_request.c arm that timer), so the
 * handshake timeout is 60 s too (Node's own default is 120 s). `keepalive_timeout 65;` is set in
 * PMM's http-level `nginx.conf` (the file pmm-auth §1.1 cites for the security headers; seen at the
 * 3.x path `build/ansible/roles/nginx/files/nginx.conf`, UNVERIFIED for 2.41's copy; nginx's own
 * default is 75 s). nginx has no whole-request limit (`client_body_timeout` 60 s is between two
 * reads): Node's default requestTimeout, 300 s, is kept.
 */
export const DEFAULT_TIMEOUTS: MockTimeouts = {
  handshakeMs: 60_000,
  headerMs: 60_000,
  keepAliveMs: 65_000,
  requestMs: 300_000,
};

/** pmm-auth §1.1: nginx allows 128 header buffers of 64 KiB; Node's total header limit is set generously. */
const MAX_HEADER_BYTES = 1024 * 1024;

/**
 * Builds the initial state: the admin user, the `--user` users, the seeded keys and tokens, saved
 * as the state `reset()` returns to (also the in-process test harness's, mock/testing/in-process.ts).
 */
export function initialStore(
  given: StateOptions & Pick<MockOptions, 'scenario'>,
  clock: Clock,
  random: RandomBytes,
): { store: Store; keys: Record<string, string>; passwords: Record<string, string> } {
  // A scenario's users, keys and tokens join the mock's own (mock/scenarios/apply.ts).
  const { opts, passwords } = given.scenario
    ? withScenario(given, given.scenario, random)
    : { opts: given, passwords: {} };
  const store = new Store();
  // grafana-auth §6.1: default admin user (Grafana server admin, org Admin).
  store.addUser(
    { login: 'admin', password: opts.adminPassword, orgRole: 'Admin', isGrafanaAdmin: true },
    clock.nowMs(),
  );
  for (const u of opts.users) store.addUser(u, clock.nowMs());
  const keys: Record<string, string> = {};
  for (const k of opts.seedKeys) {
    if (store.keyByName(ORG_ID, k.name)) throw new Error(`--seed-key ${k.name}: a key with that name already exists`);
    keys[k.name] = issueLegacyKey(
      { store, clock, random },
      { name: k.name, role: k.role, secondsToLive: k.secondsToLive ?? 0 },
      k.secretShape,
    ).key;
  }
  for (const t of opts.seedTokens ?? []) {
    if (!opts.profile.serviceAccounts)
      throw new Error(`--seed-token ${t.name}: profile ${opts.profile.name} has no service accounts`);
    if (store.keyByName(ORG_ID, t.name))
      throw new Error(`--seed-token ${t.name}: a key or token with that name already exists`);
    if (serviceAccountNamed(store, t.name))
      throw new Error(`--seed-token ${t.name}: a service account with that name already exists`);
    const sa = createServiceAccount({ store, clock }, { name: t.name, role: t.role });
    keys[t.name] = issueServiceAccountToken({ store, clock, random }, sa, {
      name: t.name,
      secondsToLive: t.secondsToLive ?? 0,
    }).key;
  }
  store.saveInitialState();
  if (given.scenario) applyClockAndLogins(given.scenario, store, clock);
  return { store, keys, passwords };
}

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
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Socket) => {
    const parserError = err.code?.startsWith('HPE_') ?? false;
    const answered = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage?.headersSent;
    if (!parserError || answered || !socket.writable) return socket.destroy();
    const tooLarge = err.code === 'HPE_HEADER_OVERFLOW';
    const page = nginxPage(400, 'Bad Request', {}, tooLarge ? 'Request Header Or Cookie Too Large' : undefined);
    void page.text().then((body) => {
      socket.end(
        `HTTP/1.1 400 Bad Request\r\nContent-Type: text/html\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
      );
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
