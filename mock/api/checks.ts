/**
 * `runClientChecks` (issue 15): the client harness from code — `pmm-auth-check clients` run as a
 * child process (the same command, flags and exit codes as README "Client conformance harness"),
 * its report read back. The harness is black-box (suites/client/): this module only starts it.
 *
 *   const { exitCode, report } = await runClientChecks({ client: { mine: './my-adapter.sh' }, profiles: ['pmm3'] });
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ClientReport } from './reports.ts';

/** The check bin, from mock/api/ or from dist/lib/ (both two directories below the package root, scripts/build.js). */
const CHECK_BIN = fileURLToPath(new URL('../../scripts/pmm-auth-check.js', import.meta.url));

export interface ClientCheckOptions {
  /** Your own clients: name → adapter executable (`--client NAME=EXECUTABLE`, fixtures/clients/PROTOCOL.md). */
  readonly client?: Readonly<Record<string, string>>;
  /** Only these clients, built-in or yours (`--only`). */
  readonly only?: readonly string[];
  /** `pmm2`, `pmm3` (default both). */
  readonly profiles?: readonly ('pmm2' | 'pmm3')[];
  /** A glob of case ids (`--cases`, e.g. `client.tls.*`). */
  readonly cases?: string;
  /** Where `<client>.expect.json` files are read from (`--expectations`). */
  readonly expectations?: string;
  /** Keep the reports (report.json, report.md, report.html, junit.xml) here; default a temporary directory, removed. */
  readonly reportDir?: string;
  readonly jobs?: number;
  /** Seconds a client may take per case (`--timeout`). */
  readonly timeout?: number;
}

export interface ClientCheckResult {
  /** 0 all verdicts as expected, 1 one differs, 2 nothing tested (bad usage or setup), 130/143 interrupted. */
  readonly exitCode: number;
  /** report.json (format 2), or null when none was written (exit 2). */
  readonly report: ClientReport | null;
  /** The summary the command printed (stdout) and its progress and errors (stderr). */
  readonly stdout: string;
  readonly stderr: string;
}

export async function runClientChecks(options: ClientCheckOptions = {}): Promise<ClientCheckResult> {
  const temp = options.reportDir === undefined ? mkdtempSync(join(tmpdir(), 'pmm-auth-check-')) : null;
  const reportDir = options.reportDir ?? temp!;
  const args = ['clients', '--report-dir', reportDir];
  for (const [name, exe] of Object.entries(options.client ?? {})) args.push('--client', `${name}=${exe}`);
  if (options.only) args.push('--only', options.only.join(','));
  if (options.profiles) args.push('--profile', options.profiles.length === 1 ? options.profiles[0]! : 'all');
  if (options.cases) args.push('--cases', options.cases);
  if (options.expectations) args.push('--expectations', options.expectations);
  if (options.jobs !== undefined) args.push('--jobs', String(options.jobs));
  if (options.timeout !== undefined) args.push('--timeout', String(options.timeout));
  try {
    const child = spawn(process.execPath, [CHECK_BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    const out = { stdout: '', stderr: '' };
    child.stdout.on('data', (d: Buffer) => (out.stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out.stderr += d.toString()));
    const exitCode = await new Promise<number>((resolve, reject) => {
      child.on('error', reject);
      child.on('close', (code, signal) => resolve(code ?? (signal === 'SIGTERM' ? 143 : 130)));
    });
    let report: ClientReport | null = null;
    try {
      report = JSON.parse(readFileSync(join(reportDir, 'report.json'), 'utf8')) as ClientReport;
    } catch {
      // exit 2: nothing was tested, no report
    }
    return { exitCode, report, ...out };
  } finally {
    if (temp) rmSync(temp, { recursive: true, force: true });
  }
}
