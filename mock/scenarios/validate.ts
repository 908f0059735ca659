/**
 * Validation of scenario files and ad-hoc faults against fixtures/scenarios/scenario.schema.json
 * (ajv, JSON Schema 2020-12). A break is one line: `file: /json/pointer: what was expected`.
 */
import { createRequire } from 'node:module';
import type { Ajv2020 as Ajv2020Class, ErrorObject, ValidateFunction } from 'ajv/dist/2020.js';
import schema from '../../fixtures/scenarios/scenario.schema.json' with { type: 'json' };
import type { Scenario } from './types.ts';
import type { FaultSpec } from '../faults/types.ts';

/** A scenario or fault that breaks the schema (or names an unknown scenario): its one-line message. */
export class ScenarioError extends Error {}

let compiled: { scenario: ValidateFunction; faults: ValidateFunction } | undefined;

function validators(): { scenario: ValidateFunction; faults: ValidateFunction } {
  if (compiled) return compiled;
  // Loaded on first use: a mock started without a scenario or faults never needs ajv (~60 ms a start).
  const { Ajv2020 } = createRequire(import.meta.url)('ajv/dist/2020.js') as { Ajv2020: typeof Ajv2020Class };
  const ajv = new Ajv2020({ allErrors: true, strict: true, strictTypes: false, strictRequired: false });
  ajv.addSchema(schema);
  compiled = {
    scenario: ajv.getSchema(schema.$id)!,
    faults: ajv.compile({ type: 'array', items: { $ref: `${schema.$id}#/$defs/fault` } }),
  };
  return compiled;
}

/** Keywords that only say "a sub-schema failed"; the sub-schema's own error says what. */
const WRAPPERS = new Set(['if', 'then', 'allOf', 'anyOf', 'oneOf', '$ref', 'not']);

function describe(e: ErrorObject): string {
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'additionalProperties':
      return `unknown field "${String(p.additionalProperty)}"`;
    case 'unevaluatedProperties':
      return `unknown field "${String(p.unevaluatedProperty)}" (not a parameter of this fault or check)`;
    case 'required':
      return `missing field "${String(p.missingProperty)}"`;
    case 'enum':
      return `expected one of ${(p.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
    case 'const':
      return `expected ${JSON.stringify(p.allowedValue)}`;
    default:
      return `expected a value that ${e.message ?? 'matches the schema'}`;
  }
}

/** The error that says most: the deepest pointer, a leaf keyword before a wrapper. */
function firstError(errors: readonly ErrorObject[]): ErrorObject {
  const leaves = errors.filter((e) => !WRAPPERS.has(e.keyword));
  const pool = leaves.length > 0 ? leaves : errors;
  return [...pool].sort((a, b) => b.instancePath.split('/').length - a.instancePath.split('/').length)[0]!;
}

function check(validate: ValidateFunction, value: unknown, where: string, pointerOf = (p: string) => p): void {
  if (validate(value)) return;
  const e = firstError(validate.errors ?? []);
  const pointer = pointerOf(e.instancePath) || '/';
  throw new ScenarioError(`${where}: ${pointer}: ${describe(e)}`);
}

/** Parses and checks a scenario file's text; `where` names it in the message (its path). */
export function parseScenario(text: string, where: string): Scenario {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new ScenarioError(`${where}: /: expected JSON (${(e as Error).message.split('\n')[0]})`);
  }
  check(validators().scenario, value, where);
  return value as Scenario;
}

/** Checks a fault or a list of them (`POST /__mock/faults`; `where` names the source, e.g. "request body"). */
export function parseFaults(value: unknown, where: string): FaultSpec[] {
  const list = Array.isArray(value) ? value : [value];
  // A single fault's pointers are its own (`/name`), not those of the one-element list.
  check(validators().faults, list, where, Array.isArray(value) ? undefined : (p) => p.replace(/^\/0(?=\/|$)/, ''));
  return list as FaultSpec[];
}
