// Benchmark baseline: a bare node:https handler doing the mock's Bearer check on GET /v1/version and
// answering the mock's own bytes (scripts/bench.ts). Argv: certFile keyFile key answerFile (the
// mock's answer: {headers, body}). Prints {"port":N} when listening on 127.0.0.1.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:https';

const [certFile, keyFile, key, answerFile] = process.argv.slice(2);
const { headers, body } = JSON.parse(readFileSync(answerFile, 'utf8'));
const expected = `Bearer ${key}`;
const server = createServer({ cert: readFileSync(certFile), key: readFileSync(keyFile) }, (req, res) => {
  if (req.url === '/v1/version' && req.headers.authorization === expected) {
    res.writeHead(200, headers);
    res.end(body);
  } else {
    res.writeHead(401, { 'Content-Type': 'application/json' });
    res.end('{"code":16,"error":"Unauthorized","message":"Unauthorized"}\n');
  }
});
server.listen(0, '127.0.0.1', () => process.stdout.write(`${JSON.stringify({ port: server.address().port })}\n`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
