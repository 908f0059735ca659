// Benchmark reference: a minimal Hono app on @hono/node-server (HTTPS) with the same Bearer check and
// the mock's own answer (scripts/bench.ts). Argv: certFile keyFile key answerFile. Prints {"port":N}.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:https';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';

const [certFile, keyFile, key, answerFile] = process.argv.slice(2);
const { headers, body } = JSON.parse(readFileSync(answerFile, 'utf8'));
const expected = `Bearer ${key}`;
const app = new Hono();
app.get('/v1/version', (c) =>
  c.req.header('authorization') === expected
    ? c.body(body, 200, headers)
    : c.json({ code: 16, error: 'Unauthorized', message: 'Unauthorized' }, 401),
);
const server = serve(
  {
    fetch: app.fetch,
    hostname: '127.0.0.1',
    port: 0,
    createServer,
    serverOptions: { cert: readFileSync(certFile), key: readFileSync(keyFile) },
  },
  (info) => process.stdout.write(`${JSON.stringify({ port: info.port })}\n`),
);
process.on('SIGTERM', () => server.close(() => process.exit(0)));
