/**
 * The built-in client matrix (issue 5): every built-in adapter runs every case against the mock;
 * each verdict is explained and matches the client's expectation file; the reports render.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCheck, type Report } from './run-check.ts';

const BUILTINS = ['curl', 'wget', 'node-fetch', 'node-https', 'axios', 'python-requests', 'python-urllib', 'go-nethttp'];
let run: Awaited<ReturnType<typeof runCheck>>;
let report: Report;

beforeAll(async () => {
  run = await runCheck([]);
  report = run.report;
}, 900_000);

describe('pmm-auth-check clients: the built-in matrix', () => {
  it('issue 5: the run exits 0 — every verdict as the expectation files say', () => {
    expect(report.unexpected, run.stdout).toEqual([]);
    expect(run.code).toBe(0);
  });

  it.each(BUILTINS)('issue 5: %s is installed here, reports its version and got a verdict in every case', (name) => {
    const c = report.clients[name];
    expect(c, `no column for ${name}`).toBeDefined();
    expect(c!.missing, `${name} missing: ${c!.missing}`).toBeUndefined();
    expect(c!.version).toMatch(/\S/);
    expect(Object.keys(c!.cases).length).toBeGreaterThanOrEqual(17);
    for (const [id, v] of Object.entries(c!.cases)) {
      expect(['PASS', 'FAIL', 'NON-STRICT', 'UNSUPPORTED', 'INFO'], id).toContain(v.verdict);
      expect(v.reason, `${name} ${id} has a reason`).toMatch(/\S{3}/);
    }
  });

  it('issue 5: curl passes every MUST case (the reference client of the PMM docs)', () => {
    const failed = Object.entries(report.clients.curl!.cases).filter(([, v]) => v.verdict === 'FAIL');
    expect(failed).toEqual([]);
  });

  it('issue 5: report.md, junit.xml and report.html are written', () => {
    for (const f of ['report.md', 'junit.xml', 'report.html']) expect(existsSync(join(run.dir, f)), f).toBe(true);
    expect(readFileSync(join(run.dir, 'junit.xml'), 'utf8')).toContain('<testsuites');
    expect(readFileSync(join(run.dir, 'report.md'), 'utf8')).toContain('| client.bearer.exact |');
  });

  it('issue 5: report.html renders in headless Chromium with one row per case and one column per client', async () => {
    const dom = await new Promise<string>((resolve, reject) => {
      const child = spawn('chromium', ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--dump-dom', `file://${join(run.dir, 'report.html')}`]);
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.on('error', reject);
      child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`chromium exited ${code}`))));
    });
    const rows = dom.match(/<tr>/g)?.length ?? 0;
    expect(rows).toBe(Object.keys(report.clients.curl!.cases).length + 1);
    for (const name of BUILTINS) expect(dom).toContain(`<th>${name}<br>`);
  }, 120_000);
});
