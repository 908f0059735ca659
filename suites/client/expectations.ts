/**
 * fixtures/clients/<client>.expect.json: the known non-PASS verdicts of a built-in client, each
 * with a reason and a public source. Unlisted cases are expected to PASS (INFO for OBSERVED ones).
 *
 * An entry applies to every profile, or, with `"profiles": ["pmm3"]`, only to those; a case whose
 * verdict differs by profile takes an array of entries, each with its own `profiles`:
 *
 *   "client.x": { "verdict": "FAIL", "reason": "…", "source": "…" }
 *   "client.y": [{ "profiles": ["pmm2"], "verdict": "FAIL", … }, { "profiles": ["pmm3"], "verdict": "NON-STRICT", … }]
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLIENTS_DIR } from './builtins.ts';
import type { ClientCase, Verdict } from './cases.ts';
import { PROFILE_NAMES, type ProfileName } from './profiles.ts';

export interface Expectation {
  readonly verdict: Verdict;
  readonly reason: string;
  readonly source: string;
  /** The profiles it applies to (absent: all). */
  readonly profiles?: readonly ProfileName[];
}

/** Profile → case id → expectation. */
export type Expectations = ReadonlyMap<ProfileName, ReadonlyMap<string, Expectation>>;

const VERDICTS: readonly Verdict[] = ['PASS', 'FAIL', 'NON-STRICT', 'UNSUPPORTED', 'INFO'];

function checkEntry(where: string, exp: Partial<Expectation>): readonly ProfileName[] {
  if (!exp.verdict || !VERDICTS.includes(exp.verdict))
    throw new Error(`${where}: verdict must be one of ${VERDICTS.join(', ')}`);
  if (!exp.reason || !exp.source) throw new Error(`${where}: "reason" and "source" are required`);
  if (exp.profiles === undefined) return PROFILE_NAMES;
  if (
    !Array.isArray(exp.profiles) ||
    exp.profiles.length === 0 ||
    exp.profiles.some((p) => !(PROFILE_NAMES as readonly string[]).includes(p))
  ) {
    throw new Error(`${where}: "profiles" must be a non-empty list of ${PROFILE_NAMES.join(', ')}`);
  }
  return exp.profiles;
}

export function loadExpectations(client: string, cases: readonly ClientCase[], dir = CLIENTS_DIR): Expectations {
  const file = join(dir, `${client}.expect.json`);
  const table = new Map<ProfileName, Map<string, Expectation>>(PROFILE_NAMES.map((p) => [p, new Map()]));
  if (!existsSync(file)) return table;
  let raw: { cases?: Record<string, Partial<Expectation> | Partial<Expectation>[]> };
  try {
    raw = JSON.parse(readFileSync(file, 'utf8')) as typeof raw;
  } catch (e) {
    throw new Error(`${file}: not valid JSON (${(e as Error).message})`);
  }
  for (const [id, value] of Object.entries(raw.cases ?? {})) {
    if (!cases.some((c) => c.id === id)) throw new Error(`${file}: unknown case ${id}`);
    const entries = Array.isArray(value) ? value : [value];
    if (Array.isArray(value) && entries.some((e) => e.profiles === undefined))
      throw new Error(`${file}: ${id}: each entry of a list needs "profiles"`);
    for (const exp of entries) {
      for (const p of checkEntry(`${file}: ${id}`, exp)) {
        if (table.get(p)!.has(id)) throw new Error(`${file}: ${id}: two entries for ${p}`);
        table.get(p)!.set(id, exp as Expectation);
      }
    }
  }
  return table;
}

export function expectationFor(table: Expectations, profile: ProfileName, id: string): Expectation | undefined {
  return table.get(profile)?.get(id);
}

export function expectedVerdict(c: ClientCase, exp: Expectation | undefined): Verdict {
  return exp?.verdict ?? (c.level === 'OBSERVED' ? 'INFO' : 'PASS');
}
