/**
 * Runs `pmm-auth-check clients …` as a user would (a process), and reads its report.json.
 * `cleanupRuns()` belongs in `afterAll`: it stops runs still going and removes their report directories.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { main } from './cli.ts';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** The profiles of the harness, in column order. */
export const PROFILES = ['pmm2', 'pmm3'] as const;
export type ProfileName = (typeof PROFILES)[number];

export interface CaseReport {
  verdict: string;
  reason: string;
  expected: boolean;
  expectedVerdict?: string;
}
export interface ClientReport {
  version: string | null;
  missing?: string;
  profiles: Partial<Record<ProfileName, { cases: Record<string, CaseReport> }>>;
}
/** report.json, format 2 (its `about` field describes it). */
export interface Report {
  about: Record<string, string>;
  /** True when the run was interrupted (`interrupted` names the signal). */
  partial: boolean;
  interrupted?: string;
  profiles: {
    name: ProfileName;
    title: string;
    server: string;
    key: string;
    basicUser: string;
    versionPath: string;
    createKey: string;
  }[];
  cases: { id: string; level: string; title: string }[];
  clients: Record<string, ClientReport>;
  unexpected: string[];
  /** Unexpected verdicts of one client with one cause (two or more). */
  causes: { client: string; cause: string; cases: string[] }[];
}

/** The result of one client, profile and case; a failure message that names what is missing. */
export function verdictOf(report: Report, client: string, profile: ProfileName, id: string): CaseReport {
  const v = report.clients[client]?.profiles[profile]?.cases[id];
  if (!v) throw new Error(`report.json has no ${client} × ${profile} × ${id}`);
  return v;
}

/**
 * What a run left in its TMPDIR, but tsx's compile cache (`tsx-<uid>`): the bins run their
 * TypeScript through tsx while their bundle is older than a source (scripts/lib/launch.js).
 */
function leftIn(tmp: string): string[] {
  return readdirSync(tmp).filter((name) => !/^tsx-\d+$/.test(name));
}

/**
 * PATH for the runs: the directory of the interpreter `python3` names first. Where `python3` is a
 * shim (pyenv's bash script costs about 0.3 s per start, and the adapters start Python hundreds of
 * times), the adapters then start the same interpreter directly. Same Python, same verdicts.
 */
const RUN_PATH: string = (() => {
  const path = process.env.PATH ?? '';
  try {
    const exe = execFileSync('python3', ['-c', 'import sys; print(sys.executable)'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
    return exe === '' ? path : `${dirname(exe)}${delimiter}${path}`;
  } catch {
    return path;
  }
})();

const dirs: string[] = [];
const children = new Set<ChildProcess>();

export function cleanupRuns(): void {
  // SIGTERM: pmm-auth-check then stops the mocks it started.
  for (const child of children) child.kill('SIGTERM');
  children.clear();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

export interface CheckRun {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  /** The report directory given to the run (`--report-dir`). */
  readonly dir: string;
  /** What the run left in its TMPDIR (it should be nothing). */
  readonly leftovers: string[];
}

/**
 * Starts one run in a directory of its own: `--report-dir <dir>/report` (a later `--report-dir`
 * in `args` wins) and TMPDIR `<dir>/tmp`, an empty directory. `env` adds to the environment.
 */
export function startCheck(
  args: string[],
  env: NodeJS.ProcessEnv = {},
  command: 'clients' | 'scenarios' = 'clients',
): { child: ChildProcess; dir: string; finished: Promise<CheckRun> } {
  const dir = mkdtempSync(join(tmpdir(), 'pmmconf-clients-'));
  dirs.push(dir);
  const tmp = join(dir, 'tmp');
  mkdirSync(tmp);
  const report = join(dir, 'report');
  const child = spawn(
    process.execPath,
    [join(ROOT, 'scripts/pmm-auth-check.js'), command, '--report-dir', report, ...args],
    {
      cwd: ROOT,
      env: { ...process.env, PATH: RUN_PATH, TMPDIR: tmp, ...env },
    },
  );
  children.add(child);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const finished = new Promise<CheckRun>((resolve) =>
    child.on('close', (code, signal) => {
      children.delete(child);
      resolve({ code, signal, stdout, stderr, dir: report, leftovers: leftIn(tmp) });
    }),
  );
  return { child, dir, finished };
}

/** report.json of a run, or an error saying there is none. */
export function readReport(run: CheckRun): Report {
  try {
    return JSON.parse(readFileSync(join(run.dir, 'report.json'), 'utf8')) as Report;
  } catch {
    throw new Error(`pmm-auth-check wrote no report.json (exit ${run.code}): ${run.stderr.slice(-1500)}`);
  }
}

/**
 * One run (startCheck) that must write a report: its exit code, output, report.json and what it
 * left in its TMPDIR (`leftovers`, which should be nothing).
 */
export async function runCheck(
  args: string[],
  env: NodeJS.ProcessEnv = {},
  command: 'clients' | 'scenarios' = 'clients',
): Promise<CheckRun & { report: Report }> {
  const run = await startCheck(args, env, command).finished;
  return { ...run, report: readReport(run) };
}

/** Writes an executable `#!/bin/sh` client into `dir`; returns the `--client NAME=FILE` value. */
export function shellClient(dir: string, name: string, body: string): string {
  const file = join(dir, name);
  writeFileSync(file, `#!/bin/sh\n${body}\n`);
  chmodSync(file, 0o755);
  return `${name}=${file}`;
}

/** A run refused before it wrote a report (exit 2), with its output; `first` is its first stderr line. */
export interface Refusal extends Error, CheckRun {
  readonly first: string;
  /** Whether the report directory exists afterwards (a refused run removes what it created). */
  readonly reportDirLeft: boolean;
}

/** A run that must be refused before it writes a report (exit 2): its error, or a failure saying it ran. */
export async function refusedRun(
  args: string[],
  env: NodeJS.ProcessEnv = {},
  command: 'clients' | 'scenarios' = 'clients',
): Promise<Refusal> {
  const run = await startCheck(args, env, command).finished;
  const wrote = existsSync(join(run.dir, 'report.json'));
  const message = wrote
    ? `exit ${run.code} with a report`
    : `pmm-auth-check wrote no report.json (exit ${run.code}): ${run.stderr.slice(-1500)}`;
  return Object.assign(new Error(message), run, {
    first: run.stderr.split('\n')[0] ?? '',
    reportDirLeft: existsSync(run.dir),
  });
}

/** Output written to a stream, as text. */
function capture(): { stream: Writable; text: () => string } {
  let text = '';
  const stream = new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      text += chunk.toString();
      done();
    },
  });
  return { stream, text: () => text };
}

let inProcess: Promise<unknown> = Promise.resolve();

/**
 * refusedRun without a process: the CLI's `main()` in this worker thread, with its own report
 * directory and TMPDIR (and `env`) set on this thread's process.env for the call, one call at a
 * time. For refusals decided before any client or mock starts (usage, report directory,
 * expectation files); what a process adds (its exit code) is covered by refusedRun. Not while a
 * process test of the same file starts (tmpdir() is this thread's TMPDIR meanwhile).
 */
export function refusedInProcess(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Refusal> {
  const call = inProcess.then(async (): Promise<Refusal> => {
    const dir = mkdtempSync(join(tmpdir(), 'pmmconf-clients-'));
    dirs.push(dir);
    const tmp = join(dir, 'tmp');
    mkdirSync(tmp);
    const report = join(dir, 'report');
    const saved = { ...process.env };
    const signals = ['SIGINT', 'SIGTERM', 'exit'].map((s) => process.listenerCount(s));
    Object.assign(process.env, { PATH: RUN_PATH, TMPDIR: tmp, ...env });
    const out = capture();
    const err = capture();
    let code: number;
    try {
      code = await main(['clients', '--report-dir', report, ...args], out.stream, err.stream);
    } finally {
      for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
      Object.assign(process.env, saved);
    }
    if (['SIGINT', 'SIGTERM', 'exit'].some((s, i) => process.listenerCount(s) !== signals[i]))
      throw new Error(`pmm-auth-check ${args.join(' ')}: got past its up-front checks (use refusedRun)`);
    const run = { code, signal: null, stdout: out.text(), stderr: err.text(), dir: report, leftovers: leftIn(tmp) };
    const wrote = existsSync(join(report, 'report.json'));
    const message = wrote
      ? `exit ${code} with a report`
      : `pmm-auth-check wrote no report.json (exit ${code}): ${run.stderr.slice(-1500)}`;
    return Object.assign(new Error(message), run, {
      first: run.stderr.split('\n')[0] ?? '',
      reportDirLeft: existsSync(report),
    });
  });
  inProcess = call.catch(() => undefined);
  return call;
}
