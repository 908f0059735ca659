/** Runs `pmm-auth-check clients …` as a user would (a process), and reads its report.json. */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface CaseReport {
  verdict: string;
  reason: string;
  expected: boolean;
}
export interface Report {
  clients: Record<string, { version: string | null; missing?: string; cases: Record<string, CaseReport> }>;
  unexpected: string[];
}

export async function runCheck(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string; dir: string; report: Report }> {
  const dir = mkdtempSync(join(tmpdir(), 'pmmconf-clients-'));
  const child = spawn(process.execPath, [join(ROOT, 'scripts/pmm-auth-check.js'), 'clients', '--report-dir', dir, ...args], { cwd: ROOT });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  let report: Report;
  try {
    report = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as Report;
  } catch {
    throw new Error(`pmm-auth-check wrote no report.json (exit ${code}): ${stderr.slice(-1500)}`);
  }
  return { code, stdout, stderr, dir, report };
}
