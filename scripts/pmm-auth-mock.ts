/** `pmm-auth-mock`: starts the mock from the command line (see `--help`). */
import { cliStart } from '../mock/cli-options.ts';
import { startMock } from '../mock/server.ts';
import pkg from '../package.json' with { type: 'json' };
import { banner, readyLine } from './banner.ts';

const fail = (message: string, code: number): never => {
  process.stderr.write(`pmm-auth-mock: ${message}\n`);
  process.exit(code);
};

// --version, --help and usage errors print and exit (mock/cli-options.ts cliStart).
const start = cliStart(process.argv.slice(2), pkg.version);
if ('exit' in start) {
  process.stdout.write(start.stdout);
  process.stderr.write(start.stderr);
  process.exit(start.exit);
}
const { cli } = start;

let mock;
try {
  mock = await startMock({ ...cli.mock, log: (line) => process.stderr.write(`${line}\n`) });
} catch (e) {
  fail((e as Error).message, 2);
}
const running = mock!;

const tls = cli.mock.tls;
const certNote =
  'certFile' in tls
    ? 'your certificate (--cert)'
    : 'personality' in tls
      ? `personality "${tls.personality}", signed by the test CA: trust ${running.caFile}`
      : tls.style === 'pmm'
        ? 'PMM-style: self-signed, no SAN — --cacert fails on the host name, as with a real PMM; use -k'
        : 'self-signed, SAN localhost 127.0.0.1 ::1 — pass it to --cacert';
const deviations = cli.mock.deviations ?? [];
if (deviations.length > 0)
  process.stderr.write(`pmm-auth-mock: TEST ONLY — deviating from PMM on purpose: ${deviations.join(', ')}\n`);

let stopping = false;
const stop = (signal: string): void => {
  if (stopping) return;
  stopping = true;
  if (!cli.json) process.stderr.write(`pmm-auth-mock: ${signal}, stopping\n`);
  running.close().then(
    () => process.exit(0),
    (e: Error) => fail(`error while stopping: ${e.message}`, 1),
  );
};
process.on('SIGINT', () => stop('SIGINT'));
process.on('SIGTERM', () => stop('SIGTERM'));
// Started by npm (`npm start`, `npx pmm-auth-mock`): npm runs us under `sh -c`, and when npm is
// killed, the shell dies of the forwarded signal without passing it on. Follow npm instead: once
// our parent is gone (we were re-parented), stop as on SIGTERM. Not otherwise: a mock started
// in the background by a shell script (`pmm-auth-mock &`) must outlive that script.
if (process.env.npm_command !== undefined) {
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent) stop('parent process gone');
  }, 500).unref();
}
// Ready only once the signal handlers are in place: a supervisor may stop the mock at once.
process.stdout.write(
  cli.json
    ? `${readyLine(running)}\n`
    : banner(running, cli.mock.profile, { adminPassword: cli.mock.adminPassword, certNote }),
);
