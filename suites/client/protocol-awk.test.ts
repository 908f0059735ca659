/**
 * fixtures/clients/lib/protocol.awk, the JSON line of the shell adapters (curl, wget): any body
 * round-trips through JSON.parse byte for byte, and an error message is trimmed with the key
 * redacted, raw and percent-encoded.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLIENTS_DIR } from './builtins.ts';

const AWK = join(CLIENTS_DIR, 'lib/protocol.awk');

function line(env: Record<string, string>, input: string): unknown {
  const r = spawnSync('awk', ['-f', AWK], { input, env: { PATH: process.env.PATH ?? '', ...env }, encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  expect(r.stdout.endsWith('\n') && !r.stdout.slice(0, -1).includes('\n'), 'one line').toBe(true);
  return JSON.parse(r.stdout);
}

const EVERY_CONTROL = Array.from({ length: 31 }, (_, i) => String.fromCharCode(i + 1)).join('');

describe('fixtures/clients/lib/protocol.awk', () => {
  it.each([
    ['an empty body', ''],
    ['a JSON body with quotes, backslashes and a final newline', '{"message":"a \\"quoted\\" C:\\\\path"}\n'],
    ['UTF-8 text', 'Grafana – “ключ” 🔑'],
    ['every control character but NUL', `a${EVERY_CONTROL}b`],
    ['CRLF lines', 'one\r\ntwo\r\n'],
  ])('issue 10: %s round-trips as the body', (_, body) => {
    expect(line({ STATUS: '401' }, body)).toEqual({ status: 401, body });
  });

  it('issue 10: an error message is trimmed and the key is redacted, raw and percent-encoded', () => {
    const key = 'eyJrIjoiYWJj+/x=';
    const message = `\n  curl: (60) bad key ${key} in https://api_key:${encodeURIComponent(key)}@127.0.0.1/ \n`;
    expect(line({ ERROR: 'tls', PMM_API_KEY: key }, message)).toEqual({
      error: 'tls',
      message: 'curl: (60) bad key <key> in https://api_key:<key>@127.0.0.1/',
    });
  });
});
