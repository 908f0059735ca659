/**
 * Issue 12 §4: `pmm-auth-mock` (the CLI, in a child process as a user runs it) exits 0 within
 * 2 s of SIGTERM while half-handshaken, silent, mid-header and idle keep-alive sockets are open
 * (its timeouts are the long defaults: nothing has timed out when the signal comes).
 */
import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { afterAll, expect, it } from 'vitest';
import { PARTIAL_CLIENT_HELLO, PARTIAL_HEADER, stall, type StalledSocket } from '../mock/testing/sockets.ts';
import { PROCESS_TEST_TIMEOUT_MS, readyLine, startCli, stopAll } from './cli-process.ts';

const sockets: StalledSocket[] = [];
const agent = new HttpAgent({ keepAlive: true });

afterAll(async () => {
  for (const s of sockets.splice(0)) s.socket.destroy();
  agent.destroy();
  await stopAll();
});

it(
  'issue 12 §4: SIGTERM stops pmm-auth-mock with exit 0 within 2 s while stalled and idle sockets are open',
  async () => {
    const cli = startCli(['--json', '--https-port', '0', '--http-port', '0']);
    const ready = await readyLine(cli);
    const httpsPort = Number(new URL(ready.https).port);
    const httpPort = Number(new URL(ready.http!).port);
    sockets.push(
      await stall(httpsPort, PARTIAL_CLIENT_HELLO),
      await stall(httpsPort, PARTIAL_CLIENT_HELLO),
      await stall(httpsPort),
      await stall(httpPort, PARTIAL_HEADER),
    );
    // An idle keep-alive connection after one answered request.
    const status = await new Promise<number>((resolve, reject) => {
      const req = httpRequest(`${ready.http}/v1/readyz`, { agent }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      });
      req.on('error', reject);
      req.end();
    });
    expect(status).toBe(200);
    const signalled = Date.now();
    cli.child.kill('SIGTERM');
    const exit = await Promise.race([
      cli.exited,
      new Promise<'still running'>((resolve) => setTimeout(() => resolve('still running'), 2000)),
    ]);
    expect(exit).toEqual({ code: 0, signal: null });
    expect(Date.now() - signalled).toBeLessThan(2000);
  },
  PROCESS_TEST_TIMEOUT_MS,
);
