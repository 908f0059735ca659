/** Expectation files per profile (issue 6): one entry for every profile, a `profiles` list, or a list of entries. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CLIENT_CASES } from './cases.ts';
import { expectationFor, loadExpectations } from './expectations.ts';

const ENTRY = { verdict: 'FAIL', reason: 'a reason', source: 'a source' };

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function load(cases: Record<string, unknown>) {
  const dir = mkdtempSync(join(tmpdir(), 'pmmconf-expect-unit-'));
  dirs.push(dir);
  writeFileSync(join(dir, 'x.expect.json'), JSON.stringify({ client: 'x', cases }));
  return loadExpectations('x', CLIENT_CASES, dir);
}

describe('loadExpectations', () => {
  it('issue 6: an entry without "profiles" applies to pmm2 and pmm3', () => {
    const t = load({ 'client.bearer.exact': ENTRY });
    expect(expectationFor(t, 'pmm2', 'client.bearer.exact')?.verdict).toBe('FAIL');
    expect(expectationFor(t, 'pmm3', 'client.bearer.exact')?.verdict).toBe('FAIL');
  });

  it('issue 6: a list gives each profile its own verdict; an unlisted profile has none', () => {
    const t = load({
      'client.bearer.exact': [{ ...ENTRY, profiles: ['pmm3'] }],
      'client.create-key': [
        { ...ENTRY, profiles: ['pmm2'] },
        { ...ENTRY, verdict: 'UNSUPPORTED', profiles: ['pmm3'] },
      ],
    });
    expect(expectationFor(t, 'pmm2', 'client.bearer.exact')).toBeUndefined();
    expect(expectationFor(t, 'pmm3', 'client.bearer.exact')?.verdict).toBe('FAIL');
    expect(expectationFor(t, 'pmm2', 'client.create-key')?.verdict).toBe('FAIL');
    expect(expectationFor(t, 'pmm3', 'client.create-key')?.verdict).toBe('UNSUPPORTED');
  });

  it.each([
    ['a list entry without "profiles"', { 'client.bearer.exact': [ENTRY] }, /each entry of a list needs "profiles"/],
    [
      'one profile named twice',
      {
        'client.bearer.exact': [
          { ...ENTRY, profiles: ['pmm3'] },
          { ...ENTRY, profiles: ['pmm2', 'pmm3'] },
        ],
      },
      /two entries for pmm3/,
    ],
    [
      'an empty "profiles"',
      { 'client.bearer.exact': { ...ENTRY, profiles: [] } },
      /"profiles" must be a non-empty list/,
    ],
    ['an unknown case', { 'client.nothing': ENTRY }, /unknown case client\.nothing/],
    ['no source', { 'client.bearer.exact': { verdict: 'FAIL', reason: 'r' } }, /"reason" and "source" are required/],
  ])('issue 6: %s is refused with a message naming the file and case', (_label, cases, message) => {
    expect(() => load(cases)).toThrow(message);
  });
});
