/**
 * The bin launchers (scripts/lib/launch.js) run the esbuild bundle only while it is newer than
 * every source it was built from, so an edited source is never run stale.
 */
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
// @ts-expect-error -- plain JS module without types
import { freshBundle } from './lib/launch.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A fake package: one source, a bundle, a manifest written at `builtMs`. */
function fakeBuild(sourceAgeSec: number, bundleAgeSec = 0): string {
  const root = `${mkdtempSync(join(tmpdir(), 'pmmconf-launch-'))}/`;
  dirs.push(root);
  const now = Date.now() / 1000;
  mkdirSync(`${root}mock`, { recursive: true });
  mkdirSync(`${root}dist/bin`, { recursive: true });
  writeFileSync(`${root}mock/a.ts`, 'export {};\n');
  utimesSync(`${root}mock/a.ts`, now - sourceAgeSec, now - sourceAgeSec);
  writeFileSync(`${root}dist/bin/tool.js`, '');
  utimesSync(`${root}dist/bin/tool.js`, now - bundleAgeSec, now - bundleAgeSec);
  writeFileSync(`${root}dist/bin/manifest.json`, JSON.stringify({ builtMs: (now - 5) * 1000, inputs: ['mock/a.ts'] }));
  return root;
}

describe('scripts/lib/launch.js picks the bundle only while it is fresh', () => {
  it('a bundle built after its sources is run', () => {
    const root = fakeBuild(60);
    expect(freshBundle('tool', root)).toBe(`${root}dist/bin/tool.js`);
  });

  it('a source edited after the build sends the launcher to tsx', () => {
    expect(freshBundle('tool', fakeBuild(0))).toBeNull();
  });

  it('a bundle older than its manifest (a half-finished build) is not run', () => {
    expect(freshBundle('tool', fakeBuild(60, 30))).toBeNull();
  });

  it('a removed source, a missing bundle or no build at all → the sources', () => {
    const root = fakeBuild(60);
    rmSync(`${root}mock/a.ts`);
    expect(freshBundle('tool', root)).toBeNull();
    expect(freshBundle('other', fakeBuild(60))).toBeNull();
    const empty = `${mkdtempSync(join(tmpdir(), 'pmmconf-launch-'))}/`;
    dirs.push(empty);
    expect(freshBundle('tool', empty)).toBeNull();
  });

  it('an installed package (bundles, no mock/ sources) runs its bundle, whatever the manifest says', () => {
    const root = fakeBuild(60, 30);
    rmSync(`${root}mock`, { recursive: true });
    expect(freshBundle('tool', root)).toBe(`${root}dist/bin/tool.js`);
    expect(freshBundle('other', root)).toBeNull();
  });
});
