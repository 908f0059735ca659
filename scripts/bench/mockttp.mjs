// Benchmark reference: mockttp (a devDependency) with a callback rule doing the same Bearer check and
// the mock's own answer (scripts/bench.ts). Argv: certFile keyFile key answerFile. Prints {"port":N}.
import { readFileSync } from 'node:fs';
import net from 'node:net';
import * as mockttp from 'mockttp';

// mockttp has no host option and listens on every interface; this process binds a listener opened
// with a bare port to 127.0.0.1 instead (the bench, like the tests, stays on loopback).
const listen = net.Server.prototype.listen;
net.Server.prototype.listen = function listenOnLoopback(...args) {
  if (typeof args[0] === 'number' && typeof args[1] !== 'string') args.splice(1, 0, '127.0.0.1');
  return listen.apply(this, args);
};

const [certFile, keyFile, key, answerFile] = process.argv.slice(2);
const sample = JSON.parse(readFileSync(answerFile, 'utf8'));
const expected = `Bearer ${key}`;
// With a `json` answer mockttp sends neither a length nor chunks (it closes to end the body), which a
// keep-alive load generator cannot read: the body and its length are given.
const answer = (statusCode, value) => {
  const body = JSON.stringify(value);
  return {
    statusCode,
    headers: { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) },
    body,
  };
};
const server = mockttp.getLocal({
  https: { cert: readFileSync(certFile, 'utf8'), key: readFileSync(keyFile, 'utf8') },
});
await server.start();
await server.forGet('/v1/version').thenCallback((req) =>
  req.headers.authorization === expected
    ? {
        statusCode: 200,
        headers: { ...sample.headers, 'content-length': String(Buffer.byteLength(sample.body)) },
        body: sample.body,
      }
    : answer(401, { code: 16, error: 'Unauthorized', message: 'Unauthorized' }),
);
process.stdout.write(`${JSON.stringify({ port: server.port })}\n`);
process.on('SIGTERM', () => server.stop().then(() => process.exit(0)));
