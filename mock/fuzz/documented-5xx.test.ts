/**
 * The table of documented 5xx answers (fixtures/documented-5xx.json): it matches its JSON Schema,
 * README "Documented 5xx answers" shows the same table, every row's message is one the mock's
 * sources give, and documentedRow matches an answer on status, profile, method, path and message.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import {
  type Answer5xx,
  DOCUMENTED_5XX_FILE,
  documentedRow,
  loadDocumented5xx,
  markdownTable,
} from './documented-5xx.ts';

const ROOT = new URL('../../', import.meta.url);
const rows = loadDocumented5xx();
const read = (path: string) => readFileSync(new URL(path, ROOT), 'utf8');

describe('fixtures/documented-5xx.json', () => {
  const ajv = new Ajv2020({ allErrors: true, strict: true });
  const validate = ajv.compile(JSON.parse(read('fixtures/schemas/documented-5xx.schema.json')) as object);

  it('matches its schema', () => {
    expect(validate(JSON.parse(readFileSync(DOCUMENTED_5XX_FILE, 'utf8'))), ajv.errorsText(validate.errors)).toBe(true);
  });

  it('the schema refuses a row without a reference, a 4xx, an unknown profile and a field it does not know', () => {
    const row = rows[0]!;
    const { reference: _, ...noReference } = row;
    for (const bad of [noReference, { ...row, status: 404 }, { ...row, profiles: ['pmm9'] }, { ...row, extra: 1 }])
      expect(validate({ description: 'x', answers: [bad] })).toBe(false);
  });

  it('README "Documented 5xx answers" shows the same table', () => {
    const readme = read('README.md');
    const section = readme.slice(readme.indexOf('## Documented 5xx answers'));
    expect(section.length).toBeLessThan(readme.length);
    expect(section).toContain(`\n${markdownTable(rows)}\n`);
  });

  it('every row has a unique id, a valid pattern, and a message the mock sources give', () => {
    expect(new Set(rows.map((r) => r.id)).size).toBe(rows.length);
    const sources = readdirSync(new URL('mock/', ROOT), { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
      .map((f) => read(`mock/${f}`))
      .join('\n');
    for (const r of rows) {
      expect(() => new RegExp(r.path), r.id).not.toThrow();
      expect(sources, r.id).toContain(r.message);
    }
  });
});

describe('documentedRow', () => {
  const answer = (over: Partial<Answer5xx>): Answer5xx => ({
    profile: 'pmm2',
    method: 'POST',
    path: '/graph/api/auth/keys',
    status: 500,
    text: JSON.stringify({ message: 'Failed to add API Key', traceID: '' }),
    ...over,
  });

  it('matches a documented answer', () => {
    expect(documentedRow(rows, answer({}))?.id).toBe('key-name-too-long');
    expect(documentedRow(rows, answer({ profile: 'pmm3' }))?.id).toBe('key-name-too-long');
  });

  it.each([
    ['another message', { text: JSON.stringify({ message: 'Internal Server Error' }) }],
    ['another status', { status: 502 }],
    ['another path', { path: '/graph/api/auth/keys/1' }],
    ['another method', { method: 'PUT' }],
    [
      'a profile the row does not name',
      { profile: 'pmm3', path: '/graph/api/user', text: '{"message":"invalid Service Token/API key"}' },
    ],
    ['a body that is not JSON', { text: 'Failed to add API Key' }],
  ])('refuses %s', (_, over) => {
    expect(documentedRow(rows, answer(over))).toBeUndefined();
  });

  it("matches a HEAD answer as its GET (the fuzz gives it its GET twin's text)", () => {
    const head = answer({ method: 'HEAD', path: '/graph/api/auth/key', text: '{"message":"Failed to list api keys"}' });
    expect(documentedRow(rows, head)?.id).toBe('current-key-not-a-key');
    expect(documentedRow(rows, { ...head, text: '' })).toBeUndefined();
  });
});
