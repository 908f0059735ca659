/** The harness reads the journal black-box (issue 10): an entry that does not match its schema is a harness error that says which and why. */
import { describe, expect, it } from 'vitest';
import { checkEntries, describeKey } from './journal.ts';

const ENTRY = {
  seq: 7,
  time: '2030-01-01T00:00:00.000Z',
  method: 'GET',
  path: '/v1/version',
  query: '',
  scheme: 'https',
  port: 8443,
  personality: 'valid',
  host: '127.0.0.1:8443',
  authorizations: 1,
  credential: {
    kind: 'bearer',
    ...describeKey('eyJrIjoiYWJjZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXoxMjM0NTYiLCJuIjoieCIsImlkIjoxfQ=='),
  },
  rule: { prefix: '/v1/version', role: 'viewer' },
  status: 200,
  fault: null,
};

describe('checkEntries', () => {
  it('issue 10: entries that match journal-entry.schema.json pass through', () => {
    expect(
      checkEntries('journal-entry', 'GET /__mock/requests', [ENTRY, { ...ENTRY, seq: 8, failure: 'wrong secret' }]),
    ).toHaveLength(2);
  });

  it('issue 10: a mismatch names the listing, the entry, the schema and the problem', () => {
    expect(() =>
      checkEntries('journal-entry', 'GET /__mock/requests?since=3', [ENTRY, { ...ENTRY, seq: 9, scheme: 'gopher' }]),
    ).toThrow(
      /client harness: GET \/__mock\/requests\?since=3 answered an entry \(seq 9\) that does not match fixtures\/schemas\/journal-entry\.schema\.json: \/scheme must be equal to one of the allowed values/,
    );
  });

  it('issue 10: a listing that is not a list is a harness error too', () => {
    expect(() => checkEntries('tls-event', 'GET /__mock/tls', { events: [] })).toThrow(
      /did not answer a list of tls-event entries/,
    );
  });

  it("issue 10: the fingerprint is the journal's: sha256: + 16 hex digits, a prefix of at most 8 characters", () => {
    expect(describeKey('glsa_0123456789abcdefghijklmnopqrstuv_01234567')).toEqual({
      keyPrefix: 'glsa_012',
      keyFingerprint: expect.stringMatching(/^sha256:[0-9a-f]{16}$/),
    });
  });
});
