// Shared by the bin launchers: run the bundle dist/bin/<name>.js while it is fresh (newer than
// every source in dist/bin/manifest.json, see scripts/build.js), else the TypeScript entry
// point through tsx. Either way the program is the same; only its start-up time differs.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** The bundle of `name` under `root` (ending in /) if it is newer than all its sources, else null. */
export function freshBundle(name, root = ROOT) {
  // An installed package has no TypeScript sources (package.json "files"): its bundles are what it has.
  const bundle = `${root}dist/bin/${name}.js`;
  if (!existsSync(`${root}mock`)) return existsSync(bundle) ? bundle : null;
  try {
    const manifest = JSON.parse(readFileSync(`${root}dist/bin/manifest.json`, 'utf8'));
    if (statSync(bundle).mtimeMs < manifest.builtMs) return null;
    for (const input of manifest.inputs) if (statSync(`${root}${input}`).mtimeMs > manifest.builtMs) return null;
    return bundle;
  } catch {
    return null; // no build, or a source was removed: run the sources
  }
}

export async function launch(name) {
  const bundle = freshBundle(name);
  if (bundle) return import(pathToFileURL(bundle).href);
  const { register } = await import('tsx/esm/api');
  register();
  return import(pathToFileURL(`${ROOT}scripts/${name}.ts`).href);
}
