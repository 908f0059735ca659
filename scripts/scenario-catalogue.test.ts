/**
 * Issue 13 "Catalogue": every file of fixtures/scenarios/ shows its symptom with a real client.
 * For each file, `pmm-auth-mock --scenario ID --json` is started as the README tells users (all
 * at once, to keep the wall time low), then each `reproduce` step runs with real curl — the very
 * command line the README prints, through sh, with its variables set from the ready line — and
 * its `expect` is asserted. A file without
 * `reproduce` fails: every catalogue entry needs a reproducible symptom.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  catalogueFiles,
  readEntry,
  shellCommand,
  shellEnv,
  unknownPlaceholders,
  type ReadyValues,
  type ReproduceStep,
} from './lib/catalogue.ts';
import { PROCESS_TEST_TIMEOUT_MS, readyLine, startCli, stopAll } from './cli-process.ts';

const entries = catalogueFiles().map((file) => ({ file, entry: readEntry(file) }));
const ready = new Map<string, Promise<ReadyValues>>();

beforeAll(() => {
  for (const { entry } of entries) {
    const cli = startCli(['--scenario', entry.id, '--json', '--https-port', '0', '--http-port', '0']);
    const line = readyLine(cli) as Promise<ReadyValues>;
    line.catch(() => undefined); // reported by the entry's own test
    ready.set(entry.id, line);
  }
});
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
});

describe.concurrent.each(entries)('$file', ({ entry }) => {
  it(
    'reproduces its symptom with curl, step by step',
    async () => {
      expect(entry.reproduce?.length ?? 0, `${entry.id}: no "reproduce" steps`).toBeGreaterThan(0);
      const env = shellEnv(await ready.get(entry.id)!);
      for (const [i, step] of (entry.reproduce ?? []).entries()) {
        expect(unknownPlaceholders(step, env), `${entry.id} step ${i + 1}: placeholders not in the ready line`).toEqual(
          [],
        );
        const r = await curl(shellCommand(step), env);
        expect(observed(step, r), `${entry.id} step ${i + 1} "${step.title}"`).toEqual(wanted(step));
      }
    },
    PROCESS_TEST_TIMEOUT_MS,
  );
});
