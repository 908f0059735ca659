#!/usr/bin/env node
// Builds the bins (`pmm-auth-mock`, `pmm-auth-check`, `pmm-auth-suite`) into dist/bin/*.js with esbuild: one
// ESM file each, packages left external (resolved from node_modules) but Hono. A bundled bin starts in
// about 0.1 s instead of the 0.7 s tsx needs to transpile at load. The launchers in scripts/ run
// a bundle only while it is newer than every source it was built from (dist/bin/manifest.json),
// and fall back to tsx otherwise, so an edited source is never run stale.
//
// Paths: sources find fixtures/ with `new URL('../../fixtures/…', import.meta.url)`, i.e. from two
// directories below the root (mock/tls/, suites/client/). dist/bin/ is two below the root too, so
// those URLs resolve alike; the build refuses a bundled source that uses import.meta.url elsewhere.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const OUT = join(ROOT, 'dist', 'bin');
export const ENTRIES = ['pmm-auth-mock', 'pmm-auth-check', 'pmm-auth-suite'];

let esbuild;
try {
  esbuild = await import('esbuild');
} catch {
  process.stderr.write('build: esbuild is not installed (npm ci installs it); the bins run through tsx\n');
  process.exit(0);
}

const started = Date.now();
// The package's API (issue 15): `pmm-auth-conformance` and `pmm-auth-conformance/vitest`, one shared
// chunk; dist/lib/ is two below the root like dist/bin/ (fixtures/ URLs resolve alike). Types: tsc
// (tsconfig.build.json) into dist/types/, in `npm run build:types` and prepack.
// Packages stay external (resolved from node_modules at run time) but Hono and its Node adapter, on
// every request's path and imported at every start: bundled, they cost no module resolution (issue
// 15: cold start).
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
const BUNDLED = new Set(['hono', '@hono/node-server']);
const external = Object.keys({ ...pkg.dependencies, ...pkg.devDependencies, ...pkg.peerDependencies })
  .filter((name) => !BUNDLED.has(name))
  .flatMap((name) => [name, `${name}/*`]);
const common = {
  absWorkingDir: ROOT,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  external,
  metafile: true,
  logLevel: 'warning',
};
// Chunk names change with their content: start from an empty dist/lib, so no stale chunk is packed.
rmSync(join(ROOT, 'dist', 'lib'), { recursive: true, force: true });
const lib = await esbuild.build({
  ...common,
  entryPoints: { index: 'mock/api.ts', vitest: 'mock/vitest.ts' },
  outdir: join(ROOT, 'dist', 'lib'),
  splitting: true,
});
const result = await esbuild.build({
  ...common,
  entryPoints: Object.fromEntries(ENTRIES.map((e) => [e, `scripts/${e}.ts`])),
  outdir: OUT,
});
const inputs = [...new Set([...Object.keys(result.metafile.inputs), ...Object.keys(lib.metafile.inputs)])].filter(
  (f) => !f.startsWith('node_modules/'),
);
const misplaced = inputs.filter(
  (f) => f.split('/').length !== 3 && readFileSync(join(ROOT, f), 'utf8').includes('import.meta.url'),
);
if (misplaced.length > 0) {
  process.stderr.write(
    `build: ${misplaced.join(', ')} use import.meta.url but are not two directories below the root (see scripts/build.js)\n`,
  );
  process.exit(1);
}
mkdirSync(OUT, { recursive: true });
// The newest input wins: a launcher compares each input's mtime with `builtMs`.
writeFileSync(
  join(OUT, 'manifest.json'),
  `${JSON.stringify({ builtMs: started, inputs: inputs.map((f) => f.split('/').join(sep)) }, null, 2)}\n`,
);
if (!process.argv.includes('--quiet'))
  process.stdout.write(
    `build: ${ENTRIES.map((e) => relative(ROOT, join(OUT, `${e}.js`))).join(', ')} from ${inputs.length} sources in ${Date.now() - started} ms\n`,
  );
