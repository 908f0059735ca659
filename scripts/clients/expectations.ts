/**
 * fixtures/clients/<client>.expect.json: the known non-PASS verdicts of a built-in client, each
 * with a reason and a public source. Unlisted cases are expected to PASS (INFO for OBSERVED ones).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLIENTS_DIR } from './builtins.ts';
import type { ClientCase, Verdict } from './cases.ts';

export interface Expectation {
  readonly verdict: Verdict;
  readonly reason: string;
  readonly source: string;
}

const VERDICTS: readonly Verdict[] = ['PASS', 'FAIL', 'NON-STRICT', 'UNSUPPORTED', 'INFO'];

export function loadExpectations(client: string, cases: readonly ClientCase[], dir = CLIENTS_DIR): Map<string, Expectation> {
  const file = join(dir, `${client}.expect.json`);
  const map = new Map<string, Expectation>();
  if (!existsSync(file)) return map;
  let raw: { cases?: Record<string, Partial<Expectation>> };
  try {
    raw = JSON.parse(readFileSync(file, 'utf8')) as typeof raw;
  } catch (e) {
    throw new Error(`${file}: not valid JSON (${(e as Error).message})`);
  }
  for (const [id, exp] of Object.entries(raw.cases ?? {})) {
    if (!cases.some((c) => c.id === id)) throw new Error(`${file}: unknown case ${id}`);
    if (!exp.verdict || !VERDICTS.includes(exp.verdict)) throw new Error(`${file}: ${id}: verdict must be one of ${VERDICTS.join(', ')}`);
    if (!exp.reason || !exp.source) throw new Error(`${file}: ${id}: "reason" and "source" are required`);
    map.set(id, exp as Expectation);
  }
  return map;
}

export function expectedVerdict(c: ClientCase, expectations: ReadonlyMap<string, Expectation>): Verdict {
  return expectations.get(c.id)?.verdict ?? (c.level === 'OBSERVED' ? 'INFO' : 'PASS');
}
