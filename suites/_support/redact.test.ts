/** Reports never carry a whole key: bodies are redacted before they reach a failure message. */
import { afterEach, describe, expect, it } from 'vitest';
import { forgetSecrets, redactFailure, redactingFailures, redactSecrets, rememberSecret } from './redact.ts';

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

/** Issue 12, defect 6: a failing case's message, stack and diff never carry a key of the run whole. */
describe('redactingFailures (every failure of a case)', () => {
  afterEach(forgetSecrets);
  const secretK = 'a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6';
  const leaks = (e: unknown): string[] => {
    const err = e as Record<string, unknown>;
    const text = ['message', 'stack', 'diff'].map((f) => String(err[f] ?? '')).join('\n');
    const values = JSON.stringify([err.actual, err.expected]);
    return [legacy, secretK, glsa, encodeURIComponent(legacy)].filter((s) => text.includes(s) || values.includes(s));
  };
  const thrown = async (body: () => void): Promise<unknown> => {
    try {
      await redactingFailures(async () => body());
    } catch (e) {
      return e;
    }
    throw new Error('the assertion did not fail');
  };

  it('srv.list.001 against a server that lists the secret: no whole key in its failure', async () => {
    rememberSecret(legacy);
    // The answer of a server with the list-secrets deviation, and srv.list.001's assertions as they were.
    const a = { id: 1, name: 'pmmconf-x', role: 'Viewer', key: legacy };
    for (const assertion of [
      () => expect(Object.keys(a), `fields of a key without TTL: ${JSON.stringify(a)}`).toEqual(['id', 'name', 'role']),
      () => expect(a).toEqual({ id: 1, name: 'pmmconf-x', role: 'Viewer' }),
      () => expect(a, `secret part ${secretK}, in a URL ${encodeURIComponent(legacy)}`).toBeUndefined(),
    ]) {
      const e = await thrown(assertion);
      expect(leaks(e)).toEqual([]);
      const message = String((e as Error).message);
      // Where the message names the key, it names it by prefix and fingerprint.
      if (message.includes('eyJrIjoi')) expect(message).toMatch(/eyJrIjoi…<sha256:[0-9a-f]{16}>/);
    }
  });

  it('a glsa_ token the run received, and vitest-processed errors (onTestFailed), are redacted', async () => {
    rememberSecret(glsa);
    const e = await thrown(() => expect(`token ${glsa} and its part ${glsa.split('_')[1]}`).toBe(''));
    expect(leaks(e)).toEqual([]);
    expect(String((e as Error).message)).not.toContain(glsa.split('_')[1]);
    const processed = {
      message: `got ${legacy}`,
      stack: `Error: got ${legacy}`,
      diff: `- ${legacy}`,
      actual: legacy,
      expected: '',
    };
    expect(leaks(redactFailure(processed))).toEqual([]);
  });
});
