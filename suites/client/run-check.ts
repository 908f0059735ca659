/**
 * Runs `pmm-auth-check clients …` as a user would (a process), and reads its report.json.
 * `cleanupRuns()` belongs in `afterAll`: it stops runs still going and removes their report directories.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

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
}

/** The result of one client, profile and case; a failure message that names what is missing. */
export function verdictOf(report: Report, client: string, profile: ProfileName, id: string): CaseReport {
  const v = report.clients[client]?.profiles[profile]?.cases[id];
  if (!v) throw new Error(`report.json has no ${client} × ${profile} × ${id}`);
  return v;
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

/**
 * One run in a report directory of its own, with TMPDIR an empty directory of its own: what the
 * harness and the clients leave there is returned as `leftovers` (it should be nothing).
 */
export async function runCheck(
  args: string[],
): Promise<{ code: number | null; stdout: string; stderr: string; dir: string; report: Report; leftovers: string[] }> {
  const dir = mkdtempSync(join(tmpdir(), 'pmmconf-clients-'));
  dirs.push(dir);
  const tmp = join(dir, 'tmp');
  mkdirSync(tmp);
  const child = spawn(
    process.execPath,
    [join(ROOT, 'scripts/pmm-auth-check.js'), 'clients', '--report-dir', join(dir, 'report'), ...args],
    {
      cwd: ROOT,
      env: { ...process.env, PATH: RUN_PATH, TMPDIR: tmp },
    },
  );
  children.add(child);
  child.on('close', () => children.delete(child));
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  let report: Report;
  try {
    report = JSON.parse(readFileSync(join(dir, 'report', 'report.json'), 'utf8')) as Report;
  } catch {
    throw new Error(`pmm-auth-check wrote no report.json (exit ${code}): ${stderr.slice(-1500)}`);
  }
  return { code, stdout, stderr, dir: join(dir, 'report'), report, leftovers: readdirSync(tmp) };
}

/** A run that must be refused before it writes a report (exit 2): its error, or a failure saying it ran. */
export function refusedRun(args: string[]): Promise<Error> {
  return runCheck(args).then(
    () => new Error('exit 0 or 1 with a report'),
    (e: Error) => e,
  );
}
