/**
 * `pmm-auth-check scenarios …`: every client through every bug-reproduction scenario of
 * fixtures/scenarios/ (suites/client/scenario-run.ts), with the client matrix's machinery: the
 * same --client/--only choice and preflight, the same process groups, the same four reports.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { CASE_TIMEOUT_MS, killRunningClients } from './adapter.ts';
import { BUILTIN_CLIENTS, builtinClients, CLIENTS_DIR } from './builtins.ts';
import { chooseClients, jobsOf, parsedOr2, SIGNAL_CODES, timeoutOf, trapSignals, Usage } from './cli-clients.ts';
import { DEFAULT_JOBS } from './lanes.ts';
import { ConfigError, prepareReportDir, resolveRunClients } from './preflight.ts';
import { writeReports } from './report.ts';
import { loadScenarioFile, loadScenarios, SCENARIOS_DIR, selectScenarios } from './scenario-files.ts';
import { killScenarioMocksSync, runScenarios, stopScenarioMocks, type ScenarioExpectation } from './scenario-run.ts';

export const SCENARIOS_USAGE = `Usage: pmm-auth-check scenarios [options]

  --client NAME=EXECUTABLE  test your own client (repeatable); without it, every built-in found
  --only NAME[,NAME…]       only these clients: built-ins (${BUILTIN_CLIENTS.join(', ')}) or --client names
  --scenario GLOB           only scenarios whose id matches, e.g. "b1*" (default: all of fixtures/scenarios/)
  --scenario-file PATH      also run the scenario in this file of your own (repeatable; without
                            --scenario, only these files run)
  --report-dir DIR          where report.json, report.md, report.html, junit.xml go (default reports/scenarios)
  --jobs N                  scenarios run side by side, each on its own mock (default ${DEFAULT_JOBS})
  --timeout SECONDS         how long a client may take per scenario before it is stopped (with its
                            process group) and judged FAIL (default ${CASE_TIMEOUT_MS / 1000})
  -h, --help

Each scenario runs in a mock of its own (pmm-auth-mock --scenario ID); before each client the mock
is reset to the scenario's start. The client gets the protocol's variables (fixtures/clients/
PROTOCOL.md) with SCENARIO_ID and REPEAT (the scenario's client.repeat), then the journal is judged
by the scenario's "expect".

Verdicts: PASS (every judged expectation met), FAIL (a MUST failed, or the client did not stop
within the timeout), NON-STRICT (a SHOULD or MAY failed), UNSUPPORTED (the client cannot express
the request), INFO (not judged: the condition never happened). Each reason ends with its source.

Exit status:
  0    every verdict as expected: PASS or INFO, or what <client>.expect.json lists under "scenarios"
  1    a verdict differs from expectation
  2    bad usage; no scenario matches --scenario; a client named cannot run; no client runs here;
       a mock does not start in a scenario; a --report-dir that cannot be written. No report.
  130  interrupted by SIGINT (143: SIGTERM); clients and mocks are stopped, no report is written
`;

const VERDICTS = ['PASS', 'FAIL', 'NON-STRICT', 'UNSUPPORTED', 'INFO'];

/**
 * `scenarios` of fixtures/clients/<name>.expect.json: the built-in's known verdicts per scenario
 * other than PASS or INFO, each with a reason and a public source; a broken entry is a usage error.
 */
function builtinExpectations(
  names: readonly string[],
  ids: readonly string[],
): Map<string, Map<string, ScenarioExpectation>> {
  const table = new Map<string, Map<string, ScenarioExpectation>>();
  for (const name of names) {
    const file = join(CLIENTS_DIR, `${name}.expect.json`);
    if (!existsSync(file)) continue;
    const raw = JSON.parse(readFileSync(file, 'utf8')) as { scenarios?: Record<string, Partial<ScenarioExpectation>> };
    for (const [id, e] of Object.entries(raw.scenarios ?? {})) {
      if (!ids.includes(id)) throw new Usage(`${file}: /scenarios/${id}: no such scenario`);
      if (!VERDICTS.includes(e.verdict ?? '') || !e.reason || !e.source)
        throw new Usage(
          `${file}: /scenarios/${id}: expected a verdict (${VERDICTS.join(', ')}), a reason and a source`,
        );
    }
    table.set(name, new Map(Object.entries(raw.scenarios ?? {}) as [string, ScenarioExpectation][]));
  }
  return table;
}

function parse(args: readonly string[]) {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...args],
      strict: true,
      options: {
        client: { type: 'string', multiple: true, default: [] },
        only: { type: 'string' },
        scenario: { type: 'string' },
        'scenario-file': { type: 'string', multiple: true, default: [] },
        'report-dir': { type: 'string', default: 'reports/scenarios' },
        jobs: { type: 'string' },
        timeout: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }));
  } catch (e) {
    throw new Usage(`${(e as Error).message.split('\n')[0]} (see --help)`);
  }
  if (values.help) return { help: true as const };
  const glob = values.scenario;
  if (glob !== undefined && !/^[a-z0-9*-]+$/.test(glob))
    throw new Usage(`--scenario "${glob}": a glob over scenario ids uses only a-z, 0-9, - and *`);
  const files = values['scenario-file'];
  let all;
  let own;
  try {
    all = loadScenarios();
    own = files.map((f) => loadScenarioFile(f, false));
  } catch (e) {
    throw new Usage((e as Error).message);
  }
  // --scenario-file alone runs those files; --scenario picks from the catalogue (and the files).
  const picked = files.length > 0 && glob === undefined ? [] : selectScenarios(all, glob);
  if (glob !== undefined && picked.length === 0)
    throw new Usage(`--scenario "${glob}" matches no scenario (ids: ${all.map((s) => s.id).join(', ')})`);
  const scenarios = [...picked, ...own];
  const ids = scenarios.map((s) => s.id);
  const twice = ids.find((id, i) => ids.indexOf(id) !== i);
  if (twice !== undefined) throw new Usage(`--scenario-file: the scenario id "${twice}" is given twice`);
  if (scenarios.length === 0) throw new Usage(`no scenario in ${SCENARIOS_DIR}`);
  return {
    help: false as const,
    ...chooseClients(values.client, values.only),
    scenarios,
    /** Every catalogue id (what an expectation file may name). */
    catalogue: all.map((s) => s.id),
    jobs: jobsOf(values.jobs) ?? DEFAULT_JOBS,
    timeoutMs: timeoutOf(values.timeout, CASE_TIMEOUT_MS),
    reportDir: values['report-dir'],
  };
}

export async function scenariosCommand(
  args: readonly string[],
  out: NodeJS.WritableStream,
  err: NodeJS.WritableStream,
): Promise<number> {
  const o = parsedOr2(parse, args, err);
  if (o === 2) return 2;
  if (o.help) {
    out.write(SCENARIOS_USAGE);
    return 0;
  }
  const opts = o;
  let expectations;
  try {
    expectations = builtinExpectations(opts.builtins, opts.catalogue);
  } catch (e) {
    if (!(e instanceof Usage)) throw e;
    err.write(`pmm-auth-check: ${e.message}\n`);
    return 2;
  }
  const say = (line: string): void => void err.write(`pmm-auth-check: ${line}\n`);
  let reportDir;
  try {
    reportDir = prepareReportDir(opts.reportDir);
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    say(e.message);
    return 2;
  }
  const refuse = (lines: readonly string[]): number => {
    for (const line of lines) say(line);
    reportDir.release();
    return 2;
  };
  const built = builtinClients(opts.builtins);
  const interrupt = async (signal: NodeJS.Signals): Promise<void> => {
    killRunningClients();
    say(`${signal}: stopped; no report written`);
    await Promise.all([stopScenarioMocks(), built.cleanup()]);
    reportDir.release();
    process.exit(SIGNAL_CODES[signal] ?? 2);
  };
  const untrap = trapSignals(interrupt, () => {
    killRunningClients();
    killScenarioMocksSync();
    built.cleanupSync();
  });
  try {
    const { resolved, problems } = await resolveRunClients(
      [...(await built.clients), ...opts.custom],
      opts.named,
      opts.timeoutMs,
    );
    if (problems.length > 0) return refuse(problems);
    let result;
    try {
      result = await runScenarios(resolved.clients, opts.scenarios, {
        jobs: opts.jobs,
        timeoutMs: opts.timeoutMs,
        log: say,
        expectations,
      });
    } catch (e) {
      await stopScenarioMocks();
      return refuse([(e as Error).message]);
    }
    const files = writeReports(opts.reportDir, result);
    const verdicts = Object.values(result.clients).flatMap((c) =>
      Object.values(c.profiles).flatMap((p) => Object.values(p?.cases ?? {})),
    );
    const info = verdicts.filter((v) => v.verdict === 'INFO').length;
    out.write(
      `pmm-auth-check: ${verdicts.length} verdict(s) over ${opts.scenarios.length} scenario(s)${info ? `, ${info} not judged (INFO)` : ''}; reports: ${files.join(', ')}\n`,
    );
    for (const u of result.unexpected) out.write(`UNEXPECTED ${u}\n`);
    out.write(
      `pmm-auth-check: ${result.unexpected.length === 0 ? 'every verdict as expected' : `${result.unexpected.length} unexpected verdict(s)`}\n`,
    );
    return result.unexpected.length === 0 ? 0 : 1;
  } finally {
    untrap();
    await built.cleanup();
  }
}
