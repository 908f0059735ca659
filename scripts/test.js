#!/usr/bin/env node
// `npm test`: bundles the bins (scripts/build.js), then runs side by side
// - the type-check (tsc --noEmit) and the format check (biome format .), which alone would keep
//   one of two cores idle for their ~10 s;
// - the server suite's projects (server, server-pmm3, server-pmm3-g11.3) in a vitest process of
//   their own: they run one file at a time and mostly wait on real time (keys that expire), so
//   they overlap the others instead of closing the run as a group of their own (vitest runs
//   projects of different worker counts one group after the other). Their reports go to
//   reports/server/ (junit.xml, results.json);
// - the other projects (mock, client, selfcheck), reports in reports/.
// The quiet steps print their output in one block when they end. The last line sums up both
// vitest runs; the exit code is non-zero when any step failed. With arguments (`npm test --
// --project mock`) a single vitest run gets them, beside the two checks.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { missingToolsLine } from './lib/missing-tools.js';
import { reportCounts } from '../suites/_support/vitest-report.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const bin = (name) => fileURLToPath(new URL(`../node_modules/.bin/${name}`, import.meta.url));
const SERVER_PROJECTS = ['server', 'server-pmm3', 'server-pmm3-g11.3'];
const OTHER_PROJECTS = ['mock', 'client', 'selfcheck'];
const children = new Set();

// Every step's temporary files go under one directory of this run (TMPDIR, which Node, mktemp,
// Python and Go honour), removed at the end: `npm test` leaves nothing in /tmp. What a step left
// there is named first, so that a test that forgets to clean up is seen.
const TMP_ROOT = mkdtempSync(join(tmpdir(), 'pmmconf-test-'));
process.env.TMPDIR = TMP_ROOT;
// The vitest runs leave the missing-tools line to this script's end (scripts/summary-reporter.ts).
process.env.PMMCONF_SUMMARY_BY_NPM_TEST = '1';
function removeTmpRoot() {
  let left = [];
  try {
    left = readdirSync(TMP_ROOT);
  } catch {
    return;
  }
  // tsx-<uid>: tsx's compile cache (npm run gen-certs runs through tsx), kept there by design.
  left = left.filter((name) => !/^tsx-\d+$/.test(name));
  if (left.length > 0) process.stdout.write(`npm test: left in its TMPDIR, now removed: ${left.join(', ')}\n`);
  rmSync(TMP_ROOT, { recursive: true, force: true });
}

function run(label, cmd, args, { quiet, block = false }) {
  const started = Date.now();
  const child = spawn(cmd, args, { cwd: ROOT, stdio: quiet ? ['ignore', 'pipe', 'pipe'] : 'inherit' });
  children.add(child);
  let out = '';
  if (quiet) for (const s of [child.stdout, child.stderr]) s.on('data', (d) => (out += d));
  return new Promise((resolve) => {
    child.on('error', (e) => {
      out += `${e.message}\n`;
    });
    child.on('close', (code, signal) => {
      children.delete(child);
      const secs = ((Date.now() - started) / 1000).toFixed(1);
      const ok = code === 0;
      const shown = block || !ok ? out : '';
      if (quiet)
        process.stdout.write(`${shown}${label}: ${ok ? 'ok' : `FAILED (${signal ?? `exit ${code}`})`} in ${secs} s\n`);
      resolve(ok ? 0 : (code ?? 1));
    });
  });
}

/** Passed, failed and skipped tests of a vitest JSON report (undefined when it has none). */
function countsOf(file) {
  try {
    const r = JSON.parse(readFileSync(`${ROOT}${file}`, 'utf8'));
    return {
      ...reportCounts(r),
      missing: r.testResults.flatMap((f) => f.assertionResults.map((a) => a.meta?.missingTool)),
    };
  } catch {
    return undefined;
  }
}

for (const sig of ['SIGINT', 'SIGTERM'])
  process.on(sig, () => {
    for (const c of children) c.kill(sig);
  });
process.on('exit', removeTmpRoot);

const build = await run('build', process.execPath, ['scripts/build.js', '--quiet'], { quiet: true });
if (build !== 0) process.exit(build);
const checks = Promise.all([
  run('typecheck (tsc --noEmit)', bin('tsc'), ['--noEmit', '-p', 'tsconfig.json'], { quiet: true }),
  run('format (biome format .)', bin('biome'), ['format', '.'], { quiet: true }),
]);
const projects = (names) => names.flatMap((n) => ['--project', n]);
const args = process.argv.slice(2);
let codes;
if (args.length > 0) {
  codes = [await run('vitest', bin('vitest'), ['run', ...args], { quiet: false })];
} else {
  const server = run(
    'vitest (server suite projects)',
    bin('vitest'),
    [
      'run',
      ...projects(SERVER_PROJECTS),
      '--outputFile.junit=reports/server/junit.xml',
      '--outputFile.json=reports/server/results.json',
    ],
    { quiet: true, block: true },
  );
  const others = run('vitest', bin('vitest'), ['run', ...projects(OTHER_PROJECTS)], { quiet: false });
  codes = await Promise.all([others, server]);
}
codes.push(...(await checks));
removeTmpRoot();
if (args.length === 0) {
  const all = [countsOf('reports/results.json'), countsOf('reports/server/results.json')];
  if (all.every(Boolean)) {
    const sum = (k) => all.reduce((n, c) => n + c[k], 0);
    const tools = missingToolsLine(all.flatMap((c) => c.missing));
    process.stdout.write(
      `\n${tools ? `${tools}\n` : ''}npm test: ${sum('passed')} passed, ${sum('failed')} failed, ${sum('skipped')} skipped\n`,
    );
  }
}
process.exit(codes.find((c) => c !== 0) ?? 0);
