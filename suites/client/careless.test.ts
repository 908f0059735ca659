/**
 * The harness must be able to fail a client (issue 5): deliberately careless clients get FAIL on
 * the right cases, and a user's own 10-line client plugs in with --client.
 */
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROOT, runCheck, type Report } from './run-check.ts';

const dir = mkdtempSync(join(tmpdir(), 'pmmconf-careless-'));
function script(name: string, body: string): string {
  const file = join(dir, name);
  writeFileSync(file, `#!/bin/sh\n${body}\n`);
  chmodSync(file, 0o755);
  return `${name}=${file}`;
}

function userClient(): string {
  const file = join(dir, 'my-client');
  writeFileSync(file, readmeClient());
  chmodSync(file, 0o755);
  return `user-client=${file}`;
}

/** The README's example of a user's own client (also in fixtures/clients/PROTOCOL.md), verbatim. */
function readmeClient(): string {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const m = /```sh\n(#!\/bin\/sh\n# my-client[\s\S]*?)```/.exec(readme);
  if (!m) throw new Error('README.md has no "# my-client" example');
  return m[1]!;
}

let report: Report;
let code: number | null;

beforeAll(async () => {
  const curl = join(ROOT, 'fixtures/clients/curl');
  const run = await runCheck([
    '--client', script('always-insecure', `TLS_MODE=insecure exec ${curl} "$@"`),
    '--client', script('lowercase-bearer', `[ "$1" = --version ] && { echo "lowercase-bearer 1"; exit 0; }
code=$(curl -sS -o /dev/null -w '%{http_code}' --cacert "$PMM_CA_FILE" -H "Authorization: bearer $PMM_API_KEY" "$PMM_URL") || exit 1
printf '{"status":%s,"body":""}\\n' "$code"`),
    '--client', script('key-in-query', `[ "$1" = --version ] && { echo "key-in-query 1"; exit 0; }
code=$(curl -sS -o /dev/null -w '%{http_code}' --cacert "$PMM_CA_FILE" "$PMM_URL?api_key=$PMM_API_KEY") || exit 1
printf '{"status":%s,"body":""}\\n' "$code"`),
    '--client', userClient(),
    '--client', script('hangs', `[ "$1" = --version ] && { echo "hangs 1"; exit 0; }
sleep 60`),
    '--cases', 'client.bearer.*',
  ]);
  // A second, wider run for the TLS cases of the always-insecure client.
  const tls = await runCheck(['--client', script('always-insecure-tls', `TLS_MODE=insecure exec ${curl} "$@"`), '--cases', 'client.tls.*']);
  report = { clients: { ...run.report.clients, ...tls.report.clients }, unexpected: [...run.report.unexpected, ...tls.report.unexpected] };
  code = tls.code;
}, 600_000);

describe('careless clients get FAIL on the right cases', () => {
  it('issue 5: a run with an unexpected verdict exits non-zero', () => {
    expect(code).toBe(1);
  });

  it.each(['client.tls.self-signed.verify', 'client.tls.expired.ca', 'client.tls.not-yet-valid.ca', 'client.tls.wrong-host.ca', 'client.tls.untrusted-root.ca'])(
    'issue 5: curl that always passes -k → FAIL on %s',
    (id) => {
      expect(report.clients['always-insecure-tls']!.cases[id]!.verdict).toBe('FAIL');
    },
  );

  it('issue 5: the always -k client still passes the cases where accepting is right', () => {
    expect(report.clients['always-insecure-tls']!.cases['client.tls.valid.ca']!.verdict).toBe('PASS');
    expect(report.clients['always-insecure-tls']!.cases['client.tls.pmm-default.insecure']!.verdict).toBe('PASS');
  });

  it('issue 5: a client sending "bearer" in lower case → FAIL on client.bearer.exact', () => {
    const v = report.clients['lowercase-bearer']!.cases['client.bearer.exact']!;
    expect(v.verdict).toBe('FAIL');
    expect(v.reason).toMatch(/invalid|Bearer/);
  });

  it('issue 5: a client putting the key in the query string → FAIL on client.bearer.exact', () => {
    expect(report.clients['key-in-query']!.cases['client.bearer.exact']!.verdict).toBe('FAIL');
  });

  it('issue 5: a client that hangs is stopped after the 10 s timeout, judged FAIL, and the run goes on', () => {
    const v = report.clients.hangs!.cases['client.bearer.exact']!;
    expect(v.verdict).toBe('FAIL');
    expect(v.reason).toMatch(/no answer within the timeout/);
    expect(report.clients['user-client']!.cases['client.bearer.exact']).toBeDefined();
  });

  it('issue 5: fixtures/clients/PROTOCOL.md shows the same my-client example as the README', () => {
    expect(readFileSync(join(ROOT, 'fixtures/clients/PROTOCOL.md'), 'utf8')).toContain(readmeClient());
  });

  it("issue 5: the README's 10-line user client plugs in with --client and passes client.bearer.exact", () => {
    const v = report.clients['user-client']!.cases['client.bearer.exact']!;
    expect(v.verdict, v.reason).toBe('PASS');
  });
});
