/** Reports never carry a whole key: bodies are redacted before they reach a failure message. */
import { describe, expect, it } from 'vitest';
import { redactSecrets } from './redact.ts';

const legacy = Buffer.from(JSON.stringify({ k: 'a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6', n: 'pmmconf-x', id: 1 })).toString(
  'base64',
);
const glsa = 'glsa_yscW25imSKJIuav8zF37RZmnbiDvB05G_fcaaf58a';

describe('redactSecrets', () => {
  it.each([
    ['a legacy key in a success body', `{"id":1,"name":"pmmconf-x","key":"${legacy}"}`, legacy],
    ['a glsa_ token', `{"key":"${glsa}"}`, glsa],
  ])('%s is replaced by a prefix and a fingerprint', (_label, body, secret) => {
    const out = redactSecrets(body);
    expect(out).not.toContain(secret);
    expect(out).toMatch(/…<sha256:[0-9a-f]{16}>/);
    expect(out).toContain(secret.slice(0, 8));
  });

  it('leaves bodies without keys unchanged', () => {
    const body = '{"message":"invalid Service Token/API key","traceID":""}';
    expect(redactSecrets(body)).toBe(body);
  });
});
