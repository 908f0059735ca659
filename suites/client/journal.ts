/**
 * What the mock saw, as the client harness reads it from the control API (`GET /__mock/requests`,
 * `GET /__mock/tls`): the entry types, checked against the JSON Schemas in fixtures/schemas/ —
 * an entry that does not match is a harness error, never a verdict — and the key fingerprint the
 * journal uses (README "Control API"), so that a case can recognise the key it sent.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';

export const SCHEMAS_DIR = new URL('../../fixtures/schemas/', import.meta.url);

export type CredentialKind = 'none' | 'bearer' | 'basic-api-key' | 'basic-user' | 'invalid';

/** One entry of `GET /__mock/requests` (fixtures/schemas/journal-entry.schema.json). */
export interface JournalEntry {
  readonly seq: number;
  readonly time: string;
  readonly method: string;
  readonly path: string;
  readonly query: string;
  readonly scheme: 'https' | 'http';
  readonly port: number | null;
  readonly personality: string | null;
  readonly host: string | null;
  readonly authorizations: number;
  readonly credential: {
    readonly kind: CredentialKind;
    readonly login?: string;
    readonly keyPrefix?: string;
    readonly keyFingerprint?: string;
  };
  readonly rule: { readonly prefix: string | null; readonly role: string } | null;
  readonly status: number;
  readonly failure?: string | null;
  /** The faults that acted on the request, comma-separated (issue 13; null: none). */
  readonly fault?: string | null;
}

/** One event of `GET /__mock/tls` (fixtures/schemas/tls-event.schema.json). */
export interface TlsEvent {
  readonly seq: number;
  readonly time: string;
  readonly personality: string | null;
  readonly port: number | null;
  readonly event: 'handshake-failed' | 'closed-without-request';
  readonly error: string | null;
  readonly alert: number | null;
  readonly alertDescription: string | null;
}

export type SchemaName = 'journal-entry' | 'tls-event';

export function loadSchema(name: SchemaName): Record<string, unknown> {
  return JSON.parse(readFileSync(new URL(`${name}.schema.json`, SCHEMAS_DIR), 'utf8')) as Record<string, unknown>;
}

let validators: Record<SchemaName, ValidateFunction> | undefined;

/** The compiled schemas (ajv, JSON Schema 2020-12); `date-time` is checked by the schemas' own pattern. */
export function schemaValidators(): Record<SchemaName, ValidateFunction> {
  if (!validators) {
    const ajv = new Ajv2020({
      allErrors: true,
      strict: true,
      strictTypes: false,
      strictRequired: false,
      formats: { 'date-time': true },
    });
    validators = {
      'journal-entry': ajv.compile(loadSchema('journal-entry')),
      'tls-event': ajv.compile(loadSchema('tls-event')),
    };
  }
  return validators;
}

function describeErrors(errors: readonly ErrorObject[] | null | undefined): string {
  return (errors ?? [])
    .map(
      (e) =>
        `${e.instancePath || '(entry)'} ${e.message ?? ''}${e.params && 'allowedValues' in e.params ? ` ${JSON.stringify(e.params.allowedValues)}` : ''}`,
    )
    .join('; ');
}

/** The problems of one entry against a schema, or null when it matches. */
export function schemaProblems(name: SchemaName, entry: unknown): string | null {
  const validate = schemaValidators()[name];
  return validate(entry) ? null : describeErrors(validate.errors);
}

/** Checks every element of a control-API listing; throws a harness error naming the entry and what is wrong. */
export function checkEntries<T>(name: SchemaName, where: string, list: unknown): T[] {
  if (!Array.isArray(list))
    throw new Error(
      `client harness: ${where} did not answer a list of ${name} entries (see fixtures/schemas/${name}.schema.json)`,
    );
  for (const entry of list) {
    const problems = schemaProblems(name, entry);
    if (problems) {
      const seq = (entry as { seq?: unknown } | null)?.seq;
      throw new Error(
        `client harness: ${where} answered an entry (seq ${String(seq)}) that does not match fixtures/schemas/${name}.schema.json: ${problems}`,
      );
    }
  }
  return list as T[];
}

/** A key as the journal shows it and as reports may show it: prefix and fingerprint, never the whole key. */
export function describeKey(key: string): { keyPrefix: string; keyFingerprint: string } {
  const prefixLength = Math.min(8, Math.floor(key.length / 4));
  return {
    keyPrefix: key.slice(0, prefixLength),
    keyFingerprint: `sha256:${createHash('sha256').update(key).digest('hex').slice(0, 16)}`,
  };
}
