/**
 * Issue 3 §5: the verdict table of fixtures/tls/personalities.json holds for three real clients
 * — the curl binary, Node `https.request` and Python's `ssl` module (VERIFY_X509_STRICT set, as
 * Python 3.13 does) — in every mode, and every refusal is proven server-side by the journal: a
 * TLS event on that personality's port, and no request entry (so no credential reached it).
 */
import { readFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JournalEntry, TlsEvent } from '../journal.ts';
import { startTestMock, type TestMock } from '../testing/harness.ts';
import { pythonWorker, type PythonWorker } from '../testing/python.ts';
import { run } from '../testing/run.ts';
import { DEFAULT_CERT_DIR } from './certs.ts';

type Verdict = 'accept' | 'refuse' | 'either';
type Mode = 'verify' | 'insecure' | 'ca';
type Client = 'curl' | 'node' | 'python';
interface Catalogue {
  personalities: Record<string, { expect: Record<Mode, Verdict> }>;
}

const CATALOGUE = JSON.parse(
  readFileSync(fileURLToPath(new URL('../../fixtures/tls/personalities.json', import.meta.url)), 'utf8'),
) as Catalogue;
const NAMES = Object.keys(CATALOGUE.personalities);
const MODES: readonly Mode[] = ['verify', 'insecure', 'ca'];
const CLIENTS: readonly Client[] = ['curl', 'node', 'python'];
const SET_DIR = join(DEFAULT_CERT_DIR, 'personalities');
const ROOT_CA = join(SET_DIR, 'root-ca.crt');

/** Node's X509 verification error codes (Node TLS docs) and its host-name mismatch code. */
const NODE_X509_CODES = new Set([
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_CRL',
  'UNABLE_TO_DECRYPT_CERT_SIGNATURE',
  'UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY',
  'CERT_SIGNATURE_FAILURE',
  'CERT_NOT_YET_VALID',
  'CERT_HAS_EXPIRED',
  'ERROR_IN_CERT_NOT_BEFORE_FIELD',
  'ERROR_IN_CERT_NOT_AFTER_FIELD',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'CERT_CHAIN_TOO_LONG',
  'CERT_REVOKED',
  'INVALID_CA',
  'PATH_LENGTH_EXCEEDED',
  'INVALID_PURPOSE',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'HOSTNAME_MISMATCH',
  'CA_MD_TOO_WEAK',
  'EE_KEY_TOO_SMALL',
  'CA_KEY_TOO_SMALL',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/**
 * A TLS client over 127.0.0.1 that checks the host name "localhost"; mode ca uses Python's ssl
 * module as 3.13 does. `cell` runs in one Python process for all cells (mock/testing/python.ts).
 */
const PYTHON_CLIENT = `
import socket, ssl
def cell(mode, port, cafile):
    if mode == 'insecure':
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
    else:
        ctx = ssl.create_default_context(cafile=cafile) if mode == 'ca' else ssl.create_default_context()
        ctx.verify_flags |= ssl.VERIFY_X509_STRICT | ssl.VERIFY_X509_PARTIAL_CHAIN
    try:
        with socket.create_connection(('127.0.0.1', int(port)), timeout=10) as raw:
            with ctx.wrap_socket(raw, server_hostname='localhost') as s:
                s.sendall(b'GET /v1/readyz HTTP/1.1\\r\\nHost: localhost\\r\\nConnection: close\\r\\n\\r\\n')
                data = b''
                while b'\\r\\n' not in data:
                    chunk = s.recv(4096)
                    if not chunk:
                        break
                    data += chunk
        return 'status ' + data.split(b'\\r\\n', 1)[0].decode()
    except ssl.SSLCertVerificationError as e:
        return 'refuse %s %s' % (type(e).__name__, e.verify_message)
`;

interface Attempt {
  readonly outcome: 'accept' | 'refuse' | 'other';
  /** What the client said: status line, exit code, error code or message. */
  readonly detail: string;
}

async function viaCurl(mode: Mode, port: number): Promise<Attempt> {
  const trust = mode === 'insecure' ? ['-k'] : mode === 'ca' ? ['--cacert', ROOT_CA] : [];
  const r = await run('curl', [
    '-sS',
    '--max-time',
    '10',
    '-o',
    '/dev/null',
    '-w',
    '%{http_code}',
    '--resolve',
    `localhost:${port}:127.0.0.1`,
    ...trust,
    `https://localhost:${port}/v1/readyz`,
  ]);
  const detail = `exit ${r.code}, HTTP ${r.stdout}${r.stderr ? `, ${r.stderr.trim().split('\n')[0]}` : ''}`;
  if (r.code === 0 && r.stdout === '200') return { outcome: 'accept', detail };
  return { outcome: r.code === 60 ? 'refuse' : 'other', detail };
}

function viaNode(mode: Mode, port: number): Promise<Attempt> {
  const trust =
    mode === 'insecure' ? { rejectUnauthorized: false } : mode === 'ca' ? { ca: readFileSync(ROOT_CA, 'utf8') } : {};
  return new Promise((resolve) => {
    let socket: TLSSocket | undefined;
    const req = httpsRequest(
      { host: '127.0.0.1', port, servername: 'localhost', path: '/v1/readyz', agent: false, timeout: 10_000, ...trust },
      (res) => {
        res.resume();
        res.on('end', () =>
          resolve({ outcome: res.statusCode === 200 ? 'accept' : 'other', detail: `HTTP ${res.statusCode}` }),
        );
      },
    );
    req.on('socket', (s) => (socket = s as TLSSocket));
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', (e: NodeJS.ErrnoException) => {
      // Node names only some OpenSSL X509 errors; others (e.g. X509_V_ERR_CA_MD_TOO_WEAK) come as
      // code UNSPECIFIED, still from its certificate check (the socket's authorizationError is set).
      const unnamed =
        e.code === 'UNSPECIFIED' && socket?.authorized === false && socket.authorizationError !== undefined;
      const refused = (e.code !== undefined && NODE_X509_CODES.has(e.code)) || unnamed;
      resolve({ outcome: refused ? 'refuse' : 'other', detail: `${e.code ?? ''} ${e.message}` });
    });
    req.end();
  });
}

let python: Promise<PythonWorker> | undefined;

async function viaPython(mode: Mode, port: number): Promise<Attempt> {
  python ??= pythonWorker(PYTHON_CLIENT);
  const out = (await (await python).call([mode, String(port), ROOT_CA])).trim();
  if (/^status HTTP\/1\.1 200\b/.test(out)) return { outcome: 'accept', detail: out };
  if (out.startsWith('refuse SSLCertVerificationError')) return { outcome: 'refuse', detail: out };
  return { outcome: 'other', detail: out };
}

const ATTEMPT: Record<Client, (mode: Mode, port: number) => Promise<Attempt>> = {
  curl: viaCurl,
  node: viaNode,
  python: viaPython,
};
const SIGNAL: Record<Client, string> = {
  curl: 'exit 60',
  node: 'an X509 error code',
  python: 'ssl.SSLCertVerificationError',
};
const ACCEPT = rows('accept', () => 'HTTP 200');
const REFUSE = rows('refuse', (client) => `${SIGNAL[client]}; journal: a TLS event on its port, no request`);
const EITHER = rows('either', () => 'observed outcome annotated, not asserted');

let t: TestMock;
const observed: string[] = [];

beforeAll(async () => {
  t = await startTestMock({
    tls: { certDir: DEFAULT_CERT_DIR, personality: 'valid' },
    personalities: { certDir: DEFAULT_CERT_DIR, names: NAMES },
  });
});

afterAll(async () => {
  if (observed.length > 0) console.log(`issue 3 'either' cells observed:\n  ${observed.join('\n  ')}`);
  await (await python)?.close();
  await t?.close();
});

/** GET on the control API over the main listener, trusting its caFile (the test root CA). */
function control<T>(path: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      `${t.mock.httpsUrl}/__mock/${path}`,
      { ca: readFileSync(t.mock.caFile, 'utf8'), agent: false },
      (res) => {
        let text = '';
        res.on('data', (d: Buffer) => (text += d.toString()));
        res.on('end', () =>
          res.statusCode === 200
            ? resolve(JSON.parse(text) as T)
            : reject(new Error(`${path}: ${res.statusCode} ${text}`)),
        );
      },
    );
    req.on('error', reject);
    req.end();
  });
}

const tlsEvents = async (since: number) => (await control<{ events: TlsEvent[] }>(`tls?since=${since}`)).events;
const requests = async (since: number) =>
  (await control<{ requests: JournalEntry[] }>(`requests?since=${since}`)).requests;

/** The highest journal seq (requests and TLS events share one sequence). */
async function highestSeq(): Promise<number> {
  const seqs = [...(await tlsEvents(0)), ...(await requests(0))].map((e) => e.seq);
  return Math.max(0, ...seqs);
}

/** Waits (up to 5 s) for a TLS event of `name` or on its port after `since`: the server may see the alert just after the client exits. */
async function tlsEventOf(name: string, port: number, since: number): Promise<TlsEvent | undefined> {
  for (let i = 0; i < 100; i++) {
    const found = (await tlsEvents(since)).find((e) => e.personality === name || e.port === port);
    if (found) return found;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return undefined;
}

interface Row {
  readonly client: Client;
  readonly mode: Mode;
  readonly name: string;
}

/**
 * The cells whose expected verdict is `verdict`, each with its title: `issue 3: curl, mode ca, personality expired → refuse (exit 60)`.
 * Ordered round-robin over the personalities, so that the cells running at once are of different ones.
 */
function rows(verdict: Verdict, outcome: (client: Client) => string): [string, Row][] {
  const cells = CLIENTS.flatMap((client) =>
    NAMES.flatMap((name) =>
      MODES.filter((mode) => CATALOGUE.personalities[name]!.expect[mode] === verdict).map((mode): [string, Row] => [
        `issue 3: ${client}, mode ${mode}, personality ${name} → ${verdict} (${outcome(client)})`,
        { client, mode, name },
      ]),
    ),
  );
  const seen = new Map<string, number>();
  const round = cells.map(([, { name }]) => {
    const n = seen.get(name) ?? 0;
    seen.set(name, n + 1);
    return n;
  });
  return cells
    .map((cell, i) => ({ cell, round: round[i]! }))
    .sort((a, b) => a.round - b.round)
    .map(({ cell }) => cell);
}

const port = (name: string): number => t.mock.personalities[name]!.port;

const queues = new Map<string, Promise<unknown>>();

/**
 * Runs the cells of one personality one at a time (cells of different personalities run at once):
 * a refusal is proven by that port's journal, which another cell on the same port would write to.
 */
function onePersonalityAtATime<T>(name: string, cell: () => Promise<T>): Promise<T> {
  const next = (queues.get(name) ?? Promise.resolve()).then(cell, cell);
  queues.set(
    name,
    next.catch(() => undefined),
  );
  return next;
}

describe('issue 3 §5: the verdict table of personalities.json, per client and mode', () => {
  it('issue 3 §3: the table has a verdict for every personality served and every mode', () => {
    expect(Object.keys(t.mock.personalities).sort()).toEqual([...NAMES].sort());
    expect(ACCEPT.length + REFUSE.length + EITHER.length).toBe(CLIENTS.length * NAMES.length * MODES.length);
  });

  // Each cell waits on a client process: cells run concurrently (vitest's maxConcurrency at once).
  it.concurrent.for(ACCEPT)('%s', ([, { client, mode, name }], { expect }) =>
    onePersonalityAtATime(name, async () => {
      const r = await ATTEMPT[client](mode, port(name));
      expect(r.outcome, r.detail).toBe('accept');
    }),
  );

  it.concurrent.for(REFUSE)('%s', ([, { client, mode, name }], { expect }) =>
    onePersonalityAtATime(name, async () => {
      const before = await highestSeq();
      const r = await ATTEMPT[client](mode, port(name));
      expect(r.outcome, r.detail).toBe('refuse');
      const event = await tlsEventOf(name, port(name), before);
      expect(event, `no TLS event for ${name} after seq ${before}`).toMatchObject({ personality: name });
      expect(['handshake-failed', 'closed-without-request']).toContain(event!.event);
      expect((await requests(before)).filter((e) => e.personality === name || e.port === port(name))).toEqual([]);
      expect(event!.port, `the event's port (${JSON.stringify(event)})`).toBe(port(name));
    }),
  );

  it.concurrent.for(EITHER)('%s', ([, { client, mode, name }], { annotate, expect }) =>
    onePersonalityAtATime(name, async () => {
      const r = await ATTEMPT[client](mode, port(name));
      observed.push(`${client}, mode ${mode}, ${name}: ${r.outcome} (${r.detail})`);
      await annotate(`observed: ${r.outcome} (${r.detail})`);
      expect(['accept', 'refuse'], r.detail).toContain(r.outcome);
    }),
  );
});

describe('issue 3 §1, §5: the valid chain satisfies strict verifiers', () => {
  it('issue 3 §5: openssl verify -x509_strict -CAfile root-ca.crt -untrusted intermediate.crt valid.crt prints OK', async () => {
    const r = await run('openssl', [
      'verify',
      '-x509_strict',
      '-CAfile',
      ROOT_CA,
      '-untrusted',
      join(SET_DIR, 'intermediate.crt'),
      join(SET_DIR, 'valid.crt'),
    ]);
    expect(r.stdout.trim()).toBe(`${join(SET_DIR, 'valid.crt')}: OK`);
    expect(r.code).toBe(0);
  });

  it("issue 3 §1 (clients-and-tls §2.10): the valid leaf has a Subject and an Authority Key Identifier, and its AKI is the intermediate's SKI", async () => {
    const text = async (file: string) => {
      const r = await run('openssl', ['x509', '-noout', '-text', '-in', join(SET_DIR, file)]);
      expect(r.code).toBe(0);
      return r.stdout;
    };
    const id = (t: string, ext: string): string | undefined =>
      new RegExp(`X509v3 ${ext}: *\\n\\s*(?:keyid:)?([0-9A-F:]+)`).exec(t)?.[1];
    const leaf = await text('valid.crt');
    const intermediate = await text('intermediate.crt');
    expect(id(leaf, 'Subject Key Identifier')).toMatch(/^[0-9A-F]{2}(:[0-9A-F]{2})+$/);
    expect(id(leaf, 'Authority Key Identifier')).toMatch(/^[0-9A-F]{2}(:[0-9A-F]{2})+$/);
    expect(id(leaf, 'Authority Key Identifier')).toBe(id(intermediate, 'Subject Key Identifier'));
  });
});
