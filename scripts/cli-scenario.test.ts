/**
 * Issue 13: `pmm-auth-mock --scenario ID` / `--scenario-file PATH` — the flags' parse and their
 * one-line usage errors (exit 2 as every usage error, cli.test.ts), and one real process whose ready line names the scenario and prints
 * its keys once.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseCli, UsageError } from '../mock/cli-options.ts';
import { httpsGet, PROCESS_TEST_TIMEOUT_MS, readyLine, startCli, stopAll } from './cli-process.ts';

const tmp = mkdtempSync(join(tmpdir(), 'pmm-cli-scenario-'));
afterAll(async () => {
  await stopAll();
  rmSync(tmp, { recursive: true, force: true });
});

const usageError = (args: string[]): string => {
  try {
    parseCli(args);
  } catch (e) {
    if (e instanceof UsageError) return e.message;
    throw e;
  }
  return 'no error';
};

describe('--scenario and --scenario-file', () => {
  it('a scenario sets the product: pmm3 with Grafana 11.3 for B1', () => {
    const cli = parseCli(['--scenario', 'b1-key-creation-410']);
    expect(cli.mock.scenario?.id).toBe('b1-key-creation-410');
    expect([cli.mock.profile.name, cli.mock.profile.grafana.version]).toEqual(['pmm3', '11.3.0']);
    expect(parseCli(['--scenario', 'b1-key-creation-410', '--profile', 'pmm3']).mock.profile.name).toBe('pmm3');
  });

  it.each([
    [['--scenario', 'nope'], /^scenario "nope": \/: expected a known scenario id: b1-key-creation-410, /],
    [
      ['--scenario', 'b1-key-creation-410', '--profile', 'pmm2'],
      /^--profile pmm2: scenario "b1-key-creation-410" runs on profile pmm3/,
    ],
    [
      ['--scenario', 'b5-server-fault-invalid-key', '--scenario-file', 'x.json'],
      /^--scenario and --scenario-file cannot be combined$/,
    ],
    [['--scenario-file', '/nonexistent/s.json'], /^\/nonexistent\/s\.json: \/: expected a readable file \(ENOENT\)$/],
  ])('%j is one usage line', (args, line) => {
    expect(usageError(args)).toMatch(line);
  });

  it('a broken file names its path and pointer', () => {
    const file = join(tmp, 'bad.json');
    const b5 = JSON.parse(
      readFileSync(new URL('../fixtures/scenarios/b5-server-fault-invalid-key.json', import.meta.url), 'utf8'),
    );
    writeFileSync(file, JSON.stringify({ ...b5, faults: [{ name: 'teleport' }] }));
    expect(usageError(['--scenario-file', file])).toMatch(
      new RegExp(`^${file}: /faults/0/name: expected one of "reset"`),
    );
  });

  it(
    'the ready line names the scenario and its key, which works as the scenario says (B5: the 3rd request fails)',
    async () => {
      const cli = startCli([
        '--json',
        '--https-port',
        '0',
        '--http-port',
        '-1',
        '--scenario',
        'b5-server-fault-invalid-key',
      ]);
      const ready = (await readyLine(cli)) as Awaited<ReturnType<typeof readyLine>> & { scenario?: unknown };
      expect(ready.scenario).toEqual({
        id: 'b5-server-fault-invalid-key',
        title: 'A server fault reported as "invalid API key" (Grafana 9.2/9.3)',
      });
      expect(Object.keys(ready.keys)).toEqual(['agent']);
      const ca = readFileSync(ready.caFile, 'utf8');
      const statuses = [];
      for (let i = 0; i < 3; i++)
        statuses.push(
          (await httpsGet(`${ready.https}/v1/version`, ca, { Authorization: `Bearer ${ready.keys.agent}` })).status,
        );
      expect(statuses).toEqual([200, 200, 401]);
      cli.child.kill('SIGTERM');
      expect(await cli.exited).toEqual({ code: 0, signal: null });
    },
    PROCESS_TEST_TIMEOUT_MS,
  );
});
