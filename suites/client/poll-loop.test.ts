/**
 * The built-ins' poll loop (fixtures/clients/PROTOCOL.md, REPEAT), the same in all eight adapters,
 * seen from the mock's journal through `pmm-auth-check scenarios`: scenario files of this test's
 * own arrange the answers (faults scoped by `nth`/`after`) and count the requests. A 5xx on a GET is
 * retried at most 3 times in a row (a 2xx in between starts the count again); a POST is not
 * re-sent after a 5xx; a 4xx stops. With them, B14 from the catalogue: its mock serves a
 * certificate without IP SAN, and the run (the harness's own control calls) still works.
 * One run, every built-in found here, and a careless client that re-sends after any error (a POST
 * after a 502, a 404 too): FAIL where the built-ins PASS.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUILTIN_CLIENTS } from './builtins.ts';
import { retriesAnyError } from './careless-clients.ts';
import { cleanupRuns, runCheck, verdictOf, type CheckRun, type Report } from './run-check.ts';

const dir = mkdtempSync(join(tmpdir(), 'pmmconf-poll-'));
const RFC_RETRY = 'https://www.rfc-editor.org/rfc/rfc9110#section-9.2.2';
const RFC_4XX = 'https://www.rfc-editor.org/rfc/rfc9110#section-15.5';

/** A scenario file of this test's own whose only expectation is the number of requests the mock sees. */
function scenario(id: string, client: object, faults: object[], requests: number, source: string): string {
  const file = join(dir, `${id}.json`);
  writeFileSync(
    file,
    JSON.stringify({
      id,
      title: `the built-ins' poll loop: ${id}`,
      symptom: `A careful poll loop makes ${requests} request(s) here.`,
      product: { profile: 'pmm2' },
      sources: [source],
      initial: { keys: [{ name: 'admin', role: 'Admin' }] },
      faults,
      client: { credential: 'admin', ...client },
      expect: [
        {
          ...{ id: 'client.poll.requests', level: 'MUST', check: 'request-count', min: requests, max: requests },
          ...{ description: `exactly ${requests} request(s)`, source },
        },
      ],
    }),
  );
  return file;
}

const nginx502 = (scope: object): object => ({ name: 'status', layer: 'nginx-502', path: '/**', ...scope });
/** 502, 200, then 502 on and on: 1 retry, the next poll, 3 retries in a row, stop — 6 requests. */
const GET_5XX = scenario(
  'test-poll-get-5xx',
  { repeat: 20 },
  [nginx502({ nth: 1 }), nginx502({ after: 2 })],
  6,
  RFC_RETRY,
);
/** A POST answered 502: never re-sent. */
const POST_5XX = scenario(
  'test-poll-post-5xx',
  { method: 'POST', path: '/graph/api/auth/keys', body: { name: 'ci', role: 'Viewer' }, repeat: 5 },
  [nginx502({})],
  1,
  RFC_RETRY,
);
/** A GET answered 404 (Grafana: no such user): the same request cannot succeed, one request. */
const GET_4XX = scenario('test-poll-get-4xx', { path: '/graph/api/users/99999', repeat: 5 }, [], 1, RFC_4XX);
const OWN = ['test-poll-get-5xx', 'test-poll-post-5xx', 'test-poll-get-4xx'];
const B14 = 'b14-self-signed-ip';

let run: CheckRun & { report: Report };
let careless: CheckRun & { report: Report };
let installed: string[];

beforeAll(async () => {
  [run, careless] = await Promise.all([
    runCheck(
      ['--scenario', 'b14-*', ...['--scenario-file', GET_5XX, '--scenario-file', POST_5XX, '--scenario-file', GET_4XX]],
      {},
      'scenarios',
    ),
    runCheck(
      [
        '--client',
        retriesAnyError(dir, 'retries-any-error', 3),
        '--scenario-file',
        POST_5XX,
        '--scenario-file',
        GET_4XX,
      ],
      {},
      'scenarios',
    ),
  ]);
  installed = BUILTIN_CLIENTS.filter((c) => run.report.clients[c] && !run.report.clients[c].missing);
}, 120_000);
afterAll(() => {
  cleanupRuns();
  rmSync(dir, { recursive: true, force: true });
});

describe("the built-ins' poll loop and B14, through pmm-auth-check scenarios", () => {
  it('every built-in found: exactly the requests a careful loop makes, B14 refused before any request; exit 0', () => {
    expect(run.code, `${run.stderr}\n${run.stdout}`).toBe(0);
    expect(installed).toContain('curl');
    for (const c of installed)
      for (const id of [...OWN, B14])
        expect(verdictOf(run.report, c, 'pmm2', id), `${c} ${id}`).toMatchObject({ verdict: 'PASS' });
    expect(verdictOf(run.report, 'curl', 'pmm2', 'test-poll-get-5xx').reason).toContain('the mock saw 6 request(s)');
    expect(verdictOf(run.report, 'curl', 'pmm2', 'test-poll-get-4xx').reason).toContain('client: HTTP 404');
    expect(verdictOf(run.report, 'curl', 'pmm2', B14).reason).toContain('client.tls.verify-by-default (MUST)');
    expect(run.leftovers).toEqual([]);
  });

  it('a client that re-sends a POST after a 502 and retries a 404: FAIL on both, exit 1', () => {
    expect(careless.code, careless.stderr).toBe(1);
    for (const id of ['test-poll-post-5xx', 'test-poll-get-4xx']) {
      const v = verdictOf(careless.report, 'retries-any-error', 'pmm2', id);
      expect(v.verdict, id).toBe('FAIL');
      expect(v.reason, id).toContain('the mock saw 4 request(s)');
    }
    expect(careless.leftovers).toEqual([]);
  });
});
