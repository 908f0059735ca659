/**
 * Scenario files: read, validated against the schema (mock/scenarios/validate.ts), then checked
 * against what the mock can do (profile and Grafana version, pmm3-only parts, unique names). Every
 * problem is one ScenarioError line `file: /json/pointer: what was expected`.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { grafanaVersionsOf, PROFILES, withGrafanaVersion } from '../profiles/index.ts';
import type { Profile } from '../profiles/types.ts';
import type { Scenario } from './types.ts';
import { parseScenario, ScenarioError } from './validate.ts';

/** The catalogue: fixtures/scenarios/<id>.json. */
export const SCENARIO_DIR = fileURLToPath(new URL('../../fixtures/scenarios/', import.meta.url));

/** The scenario's product profile, its Grafana version applied (the file was checked: it exists). */
export function scenarioProfile(s: Scenario): Profile {
  const named = PROFILES[s.product.profile]!;
  return s.product.grafanaVersion === undefined ? named : withGrafanaVersion(named, s.product.grafanaVersion)!;
}

/** What the schema cannot say: the checks against the profiles. */
function checkAgainstMock(s: Scenario, where: string): void {
  const fail = (pointer: string, what: string): never => {
    throw new ScenarioError(`${where}: ${pointer}: ${what}`);
  };
  const named = PROFILES[s.product.profile]!;
  const version = s.product.grafanaVersion;
  if (version !== undefined && !withGrafanaVersion(named, version))
    fail('/product/grafanaVersion', `expected one of ${grafanaVersionsOf(named).join(', ')} for profile ${named.name}`);
  const pmm3Only = (pointer: string, what: string) =>
    named.serviceAccounts ? undefined : fail(pointer, `${what} needs profile pmm3 (service accounts)`);
  if ((s.initial.tokens ?? []).length > 0) pmm3Only('/initial/tokens', 'tokens');
  s.faults.forEach((f, i) => {
    if (f.name === 'migration-pending') pmm3Only(`/faults/${i}/name`, 'migration-pending');
  });
  // grafana-auth §1.3: keys and tokens share one unique (org, name) index.
  const names = new Set<string>();
  for (const [list, items] of [
    ['keys', s.initial.keys ?? []],
    ['tokens', s.initial.tokens ?? []],
  ] as const)
    items.forEach((k, i) => {
      if (names.has(k.name))
        fail(`/initial/${list}/${i}/name`, `a name not given before (keys and tokens share one index)`);
      names.add(k.name);
    });
  const logins = new Set<string>();
  (s.initial.users ?? []).forEach((u, i) => {
    if (logins.has(u.login)) fail(`/initial/users/${i}/login`, 'a login not given before');
    logins.add(u.login);
  });
}

/** Parses and checks scenario text; `where` names it in messages. */
export function checkScenario(text: string, where: string): Scenario {
  const s = parseScenario(text, where);
  checkAgainstMock(s, where);
  return s;
}

/** `--scenario-file PATH`: any file, its id need not match its name. */
export function loadScenarioFile(path: string): Scenario {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new ScenarioError(`${path}: /: expected a readable file (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  return checkScenario(text, path);
}

/** The ids of the catalogue, sorted. */
export function scenarioIds(dir = SCENARIO_DIR): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json') && !f.endsWith('.schema.json'))
    .map((f) => basename(f, '.json'))
    .sort();
}

/** `--scenario ID`: a catalogue entry, whose id is its file name. */
export function scenarioById(id: string, dir = SCENARIO_DIR): Scenario {
  const ids = scenarioIds(dir);
  if (!ids.includes(id))
    throw new ScenarioError(`scenario "${id}": /: expected a known scenario id: ${ids.join(', ')}`);
  const file = join(dir, `${id}.json`);
  const s = loadScenarioFile(file);
  if (s.id !== id) throw new ScenarioError(`${file}: /id: expected "${id}" (the file's name)`);
  return s;
}

/** The catalogue as `GET /__mock/scenarios` lists it. */
export function catalogue(dir = SCENARIO_DIR): Pick<Scenario, 'id' | 'title' | 'symptom' | 'product' | 'sources'>[] {
  return scenarioIds(dir).map((id) => {
    const { title, symptom, product, sources } = scenarioById(id, dir);
    return { id, title, symptom, product, sources };
  });
}
