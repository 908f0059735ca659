/**
 * Test support for the CLI tests: runs `node scripts/pmm-auth-mock.js` as a user does, in a
 * child process, and reads its ready line or banner. `stopAll()` belongs in `afterAll` (the
 * tests run concurrently: each ends the processes it waits for, `stopAll` what is left).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { request as httpsRequest } from 'node:https';
import { fileURLToPath } from 'node:url';
import { cliStart } from '../mock/cli-options.ts';
import pkg from '../package.json' with { type: 'json' };

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const READY_TIMEOUT_MS = 30_000;
export const PROCESS_TEST_TIMEOUT_MS = 60_000;

export interface Cli {
  readonly child: ChildProcess;
  readonly out: { stdout: string; stderr: string };
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const running: Cli[] = [];

/** Kills every CLI a test started that is still running, and waits for it. */
export async function stopAll(): Promise<void> {
  for (const cli of running.splice(0)) {
    if (cli.child.exitCode === null && cli.child.signalCode === null) cli.child.kill('SIGKILL');
    await cli.exited;
  }
}

export function startCli(args: string[]): Cli {
  return startProcess(process.execPath, ['scripts/pmm-auth-mock.js', ...args]);
}

/** Any command in the project's root (e.g. `npm start`), read and stopped as startCli's. */
export function startProcess(command: string, args: string[], env: NodeJS.ProcessEnv = process.env): Cli {
  const child = spawn(command, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const out = { stdout: '', stderr: '' };
  child.stdout!.on('data', (d: Buffer) => (out.stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out.stderr += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal })),
  );
  const cli = { child, out, exited };
  running.push(cli);
  return cli;
}

/** Waits until stdout contains `marker` (the process printing its ready line), or fails with what it printed. */
export function waitForStdout(cli: Cli, marker: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const check = (): void => {
      if (!cli.out.stdout.includes(marker)) return;
      clearTimeout(timer);
      cli.child.stdout!.off('data', check);
      resolve(cli.out.stdout);
    };
    const timer = setTimeout(
      () =>
        reject(new Error(`no ${JSON.stringify(marker)} on stdout; stdout=${cli.out.stdout} stderr=${cli.out.stderr}`)),
      READY_TIMEOUT_MS,
    );
    cli.child.stdout!.on('data', check);
    void cli.exited.then(() => {
      clearTimeout(timer);
      if (cli.out.stdout.includes(marker)) resolve(cli.out.stdout);
      else
        reject(new Error(`exited before ${JSON.stringify(marker)}; stdout=${cli.out.stdout} stderr=${cli.out.stderr}`));
    });
    check();
  });
}

export function httpsGet(
  url: string,
  ca: string,
  headers: Record<string, string>,
  method = 'GET',
  body?: string,
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(url, { ca, headers, agent: false, method }, (res) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

export interface ReadyLine {
  ready: true;
  https: string;
  http: string | null;
  caFile: string;
  keys: Record<string, string>;
  pid: number;
}

export async function readyLine(cli: Cli): Promise<ReadyLine> {
  const stdout = await waitForStdout(cli, '\n');
  return JSON.parse(stdout.slice(0, stdout.indexOf('\n'))) as ReadyLine;
}

/** What `pmm-auth-mock ARGS` printed and its exit code, as a process. */
export async function processOutcome(args: string[]): Promise<{ exit: number | null; stdout: string; stderr: string }> {
  const cli = startCli(args);
  const { code } = await cli.exited;
  return { exit: code, ...cli.out };
}

/** The same without a process: the bin's first step (mock/cli-options.ts cliStart), which must not start a mock. */
export function startOutcome(args: string[]): { exit: number; stdout: string; stderr: string } {
  const start = cliStart(args, pkg.version);
  if (!('exit' in start)) throw new Error(`pmm-auth-mock ${args.join(' ')} would start a mock`);
  return start;
}
