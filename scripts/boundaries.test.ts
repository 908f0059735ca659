/**
 * House rule (shared/design.md): the suites are black-box — nothing under suites/ imports from
 * mock/ (or from scripts/, which does), so the same suite runs against a real PMM.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../', import.meta.url));

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? tsFiles(path) : path.endsWith('.ts') ? [path] : [];
  });
}

const IMPORT = /(?:from|import)\s*\(?\s*['"]([^'"]+)['"]/g;

describe('suites/ stays black-box', () => {
  const files = tsFiles(join(ROOT, 'suites'));

  it('finds the suite files it checks', () => {
    expect(files.length).toBeGreaterThan(10);
  });

  it.each(files.map((f) => relative(ROOT, f)))('%s imports nothing from mock/ or scripts/', (file) => {
    const text = readFileSync(join(ROOT, file), 'utf8');
    const bad = [...text.matchAll(IMPORT)].map((m) => m[1]!).filter((spec) => /(^|\/)(mock|scripts)\//.test(spec));
    expect(bad).toEqual([]);
  });
});
