/**
 * Test support: a plain `node:https` server on 127.0.0.1 that is not PMM, with a throwaway
 * self-signed certificate (EC P-256, SAN 127.0.0.1), for the tests of the suite's target detection,
 * entry point and clean-up. It records what it was sent. `stop()` closes it and its connections.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { generate } from 'selfsigned';

export interface FakeTarget {
  /** `https://127.0.0.1:PORT` */
  readonly url: string;
  readonly port: number;
  /** PEM of its certificate (its own CA). */
  readonly cert: string;
  /** Requests received: method, path and Authorization header. */
  readonly seen: { method: string; path: string; authorization: string | undefined }[];
  stop(): Promise<void>;
}

let pems: Promise<{ cert: string; key: string }> | undefined;

/** One certificate for every fake of the process (generation is the slow part). */
function certificate(): Promise<{ cert: string; key: string }> {
  pems ??= generate([{ name: 'commonName', value: '127.0.0.1' }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    extensions: [
      { name: 'basicConstraints', cA: true },
      { name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }] },
    ],
  }).then((p) => ({ cert: p.cert, key: p.private }));
  return pems;
}

/** A JSON answer. */
export function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json' });
  res.end(typeof body === 'string' ? body : JSON.stringify(body));
}

/** Starts a fake answering with `handler` (default: 200 {"ok":true} to everything). */
export async function startFakeTarget(
  handler: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => json(res, 200, { ok: true }),
): Promise<FakeTarget> {
  const { cert, key } = await certificate();
  const seen: FakeTarget['seen'] = [];
  const server = createServer({ cert, key }, (req, res) => {
    seen.push({ method: req.method ?? '', path: req.url ?? '', authorization: req.headers.authorization });
    handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `https://127.0.0.1:${port}`,
    port,
    cert,
    seen,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
