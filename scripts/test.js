#!/usr/bin/env node
// `npm test`: the type-check and the format check run beside the vitest run (tsc alone would
// keep one of two cores idle for its ~10 s), after the bins are bundled (scripts/build.js).
// Their output is printed when they end, in one block each; the exit code is non-zero when any
// of the three fails. Arguments go to vitest (`npm test -- --project mock`).
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const bin = (name) => fileURLToPath(new URL(`../node_modules/.bin/${name}`, import.meta.url));
const children = new Set();

function run(label, cmd, args, { quiet }) {
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
      if (quiet)
        process.stdout.write(
          `${ok ? '' : out}${label}: ${ok ? 'ok' : `FAILED (${signal ?? `exit ${code}`})`} in ${secs} s\n`,
        );
      resolve(ok ? 0 : (code ?? 1));
    });
  });
}

for (const sig of ['SIGINT', 'SIGTERM'])
  process.on(sig, () => {
    for (const c of children) c.kill(sig);
  });

const build = await run('build', process.execPath, ['scripts/build.js', '--quiet'], { quiet: true });
if (build !== 0) process.exit(build);
const checks = Promise.all([
  run('typecheck (tsc --noEmit)', bin('tsc'), ['--noEmit', '-p', 'tsconfig.json'], { quiet: true }),
  run('format (biome format .)', bin('biome'), ['format', '.'], { quiet: true }),
]);
const tests = await run('vitest', bin('vitest'), ['run', ...process.argv.slice(2)], { quiet: false });
const [typecheck, format] = await checks;
process.exit(tests || typecheck || format);
