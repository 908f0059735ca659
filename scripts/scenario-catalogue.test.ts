/**
 * Issue 13 "Catalogue": every file of fixtures/scenarios/ shows its symptom with a real client.
 * One mock per product (profile + Grafana version + certificate) is started with `--scenario FIRST --json`, as
 * the README tells users; the group's other scenarios follow on it, one after the other, by
 * `POST /__mock/scenario` (a reset into the scenario, new keys in the answer) — eleven fresh starts
 * cost ≈11 CPU-s here, three cost ≈3. The products run in parallel. Each `reproduce` step runs with
 * real curl — the very command line the README prints, through sh, with its variables set from the
 * ready line — and its `expect` is asserted. A file without `reproduce` fails: every catalogue
 * entry needs a reproducible symptom.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  SCENARIO_DIR,
  catalogueFiles,
  readEntry,
  shellCommand,
  shellEnv,
  unknownPlaceholders,
  type ReadyValues,
  type ReproduceStep,
} from './lib/catalogue.ts';
import { httpsGet, PROCESS_TEST_TIMEOUT_MS, readyLine, startCli, stopAll, type ReadyLine } from './cli-process.ts';

const entries = catalogueFiles().map((file) => ({ file, entry: readEntry(file) }));
type Entry = (typeof entries)[number]['entry'];
/** What a mock is started with: profile, Grafana version and certificate (a switch keeps all three). */
const productOf = (e: Entry): string =>
  `${e.product.profile} ${e.product.grafanaVersion ?? ''} ${e.initial?.settings?.certificate ?? 'mock'}`;

interface Group {
  /** The mock of this product, started in the group's first scenario. */
  ready?: Promise<ReadyLine & { passwords?: Record<string, string> }>;
  /** The group's scenarios take turns on its mock. */
  turn: Promise<unknown>;
}
const groups = new Map<string, Group>();

/** The ready values for `e`: the mock's ready line for the group's first, else after switching to it. */
async function enter(e: Entry, group: Group): Promise<ReadyValues> {
  if (!group.ready) {
    const cli = startCli(['--scenario', e.id, '--json', '--https-port', '0', '--http-port', '0']);
    group.ready = readyLine(cli);
    return group.ready;
  }
  const line = await group.ready;
  const res = await httpsGet(
    `${line.https}/__mock/scenario`,
    readFileSync(line.caFile, 'utf8'),
    { 'Content-Type': 'application/json' },
    'POST',
    JSON.stringify({ id: e.id }),
  );
  if (res.status !== 200) throw new Error(`POST /__mock/scenario ${e.id}: ${res.status} ${res.text}`);
  const started = JSON.parse(res.text) as Pick<ReadyValues, 'keys' | 'passwords'>;
  return { ...line, keys: started.keys, passwords: started.passwords };
}

/** Runs `body` when the entry's turn on its product's mock comes. */
function inTurn(e: Entry, body: (ready: ReadyValues) => Promise<void>): Promise<void> {
  const key = productOf(e);
  const group = groups.get(key) ?? { turn: Promise.resolve() };
  groups.set(key, group);
  const run = group.turn.then(async () => body(await enter(e, group)));
  group.turn = run.catch(() => undefined); // the next scenario runs even when this one failed
  return run;
}

const tmp = mkdtempSync(join(tmpdir(), 'pmm-catalogue-'));
afterAll(async () => {
  await stopAll();
  rmSync(tmp, { recursive: true, force: true });
});
let headerFiles = 0;

interface CurlResult {
  readonly exit: number;
  readonly status: number;
  readonly body: string;
  readonly headers: string;
}

/**
 * Runs the README's command for a step through sh, with the status written after the body (-w)
 * and the headers to a file (-D; curl 7.88 crashes on -D /dev/stderr). curl takes options after the URL.
 */
function curl(command: string, env: Record<string, string>): Promise<CurlResult> {
  const headerFile = join(tmp, `h${++headerFiles}`);
  const line = `${command} -D ${headerFile} -w '\n%{http_code}' --max-time 10`;
  return new Promise((resolve) => {
    execFile('sh', ['-c', line], { timeout: 15_000, env: { PATH: process.env.PATH, ...env } }, (err, stdout) => {
      const cut = stdout.lastIndexOf('\n');
      const exit = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
      let headers = '';
      try {
        headers = readFileSync(headerFile, 'utf8');
      } catch {
        // no answer, no header file
      }
      resolve({ exit, status: Number(stdout.slice(cut + 1)) || 0, body: stdout.slice(0, cut), headers });
    });
  });
}

/** What a step showed, as the fields of its `expect` (for one readable diff). */
function observed(step: ReproduceStep, r: CurlResult): Record<string, unknown> {
  const e = step.expect ?? {};
  return {
    curlExit: r.exit,
    ...(e.status !== undefined ? { status: r.status } : {}),
    ...(e.bodyContains !== undefined
      ? { bodyContains: r.body.includes(e.bodyContains) ? e.bodyContains : r.body }
      : {}),
    ...(e.headerContains !== undefined
      ? {
          headerContains: r.headers.toLowerCase().includes(e.headerContains.toLowerCase())
            ? e.headerContains
            : r.headers,
        }
      : {}),
  };
}

function wanted(step: ReproduceStep): Record<string, unknown> {
  const { curlExit = 0, ...rest } = step.expect ?? {};
  return { curlExit, ...rest };
}

describe('the scenario catalogue', () => {
  it('lists the directory: the four first entries at least, each named by its id', () => {
    expect(entries.length).toBeGreaterThanOrEqual(4);
    for (const { file, entry } of entries) expect(`${entry.id}.json`).toBe(file);
  });

  it.each(entries)('$file: has a client whose credential is one of its initial keys, tokens or users', ({ file }) => {
    const raw = JSON.parse(readFileSync(join(SCENARIO_DIR, file), 'utf8')) as {
      client?: { credential?: string };
      initial: Record<string, { name?: string; login?: string }[] | undefined>;
    };
    expect(raw.client, `${file}: no "client"`).toBeDefined();
    const names = ['keys', 'tokens', 'users'].flatMap((k) => (raw.initial[k] ?? []).map((x) => x.name ?? x.login));
    if (raw.client?.credential !== undefined) expect(names).toContain(raw.client.credential);
    else expect(names.length, `${file}: a client without "credential" takes the first key or token`).toBeGreaterThan(0);
  });
});

describe.concurrent.each(entries)('$file', ({ entry }) => {
  it(
    'reproduces its symptom with curl, step by step',
    async () => {
      expect(entry.reproduce?.length ?? 0, `${entry.id}: no "reproduce" steps`).toBeGreaterThan(0);
      await inTurn(entry, async (ready) => {
        const env = shellEnv(ready);
        for (const [i, step] of (entry.reproduce ?? []).entries()) {
          const where = `${entry.id} step ${i + 1} "${step.title}"`;
          expect(unknownPlaceholders(step, env), `${where}: placeholders not in the ready line`).toEqual([]);
          const r = await curl(shellCommand(step), env);
          expect(observed(step, r), where).toEqual(wanted(step));
        }
      });
    },
    PROCESS_TEST_TIMEOUT_MS,
  );
});
