/**
 * What `pmm-auth-check clients` checks before any client runs (issue 11: no green run on a broken
 * setup): the report directory can be written, the expectations directory exists, and every
 * client asked for can run — its executable exists, is executable, and answers `--version`.
 * Each problem is one line; any makes the run exit 2.
 */
import { accessSync, constants, mkdirSync, rmdirSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { delimiter, dirname, join, resolve } from 'node:path';
import { clientVersion, VERSION_TIMEOUT_MS } from './adapter.ts';
import type { ClientSpec } from './builtins.ts';
import type { ResolvedClient } from './runner.ts';

/** A configuration problem: one line, exit 2. */
export class ConfigError extends Error {}

const why = (e: unknown): string => {
  const err = e as NodeJS.ErrnoException;
  // "EACCES: permission denied, mkdir '/x'" → "EACCES: permission denied"
  return err.code ? (err.message.split(',')[0] ?? err.code) : String(err.message ?? e);
};

export interface ReportDir {
  /** Removes the directories the check created, when nothing was written into them (a refused run). */
  release(): void;
}

/**
 * Creates the report directory (and its missing parents) and writes a probe file in it. Not
 * `mkdirSync(…, {recursive: true})`: Node's recursive mkdir loops forever under /proc.
 */
export function prepareReportDir(dir: string): ReportDir {
  const where = `--report-dir ${dir}`;
  const target = resolve(dir);
  const missing: string[] = [];
  for (let p = target; ; ) {
    let isDir: boolean;
    try {
      isDir = statSync(p).isDirectory();
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') throw new ConfigError(`${where}: cannot read ${p} (${why(e)})`);
      missing.unshift(p);
      const parent = dirname(p);
      if (parent === p) throw new ConfigError(`${where}: no existing directory above it`);
      p = parent;
      continue;
    }
    if (!isDir) throw new ConfigError(`${where}: ${p === target ? 'not a directory' : `${p} is not a directory`}`);
    break;
  }
  const created: string[] = [];
  const release = (): void => {
    for (const p of created.splice(0).reverse()) {
      try {
        rmdirSync(p); // only while empty
      } catch {
        break;
      }
    }
  };
  try {
    for (const p of missing) {
      try {
        mkdirSync(p);
      } catch (e) {
        throw new ConfigError(`${where}: cannot create ${p} (${why(e)})`);
      }
      created.push(p);
    }
    const probe = join(target, `.pmm-auth-check-probe-${process.pid}`);
    try {
      writeFileSync(probe, '');
      unlinkSync(probe);
    } catch (e) {
      throw new ConfigError(`${where}: cannot write in it (${why(e)})`);
    }
  } catch (e) {
    release();
    throw e;
  }
  return { release };
}

/** `--expectations DIR` must be a directory. */
export function checkExpectationsDir(dir: string): void {
  let isDir: boolean;
  try {
    isDir = statSync(dir).isDirectory();
  } catch (e) {
    throw new ConfigError(
      `--expectations ${dir}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such directory' : why(e)}`,
    );
  }
  if (!isDir) throw new ConfigError(`--expectations ${dir}: not a directory`);
}

function isExecutableFile(path: string): 'yes' | 'missing' | 'directory' | 'not executable' {
  let st;
  try {
    st = statSync(path);
  } catch {
    return 'missing';
  }
  if (st.isDirectory()) return 'directory';
  try {
    accessSync(path, constants.X_OK);
    return 'yes';
  } catch {
    return 'not executable';
  }
}

/** Why the executable of a `--client` cannot be started, or undefined when it can. */
export function executableProblem(executable: string): string | undefined {
  if (!executable.includes('/')) {
    // Found through PATH, as the shell (and spawn) would.
    const dirs = (process.env.PATH ?? '').split(delimiter).map((d) => d || '.');
    const states = dirs.map((d) => isExecutableFile(join(d, executable)));
    if (states.includes('yes')) return undefined;
    return states.includes('not executable')
      ? `found in PATH but not executable (chmod +x)`
      : 'not found in PATH (give a path, e.g. ./my-client)';
  }
  const state = isExecutableFile(executable);
  if (state === 'yes') return undefined;
  if (state === 'missing') return 'no such file';
  if (state === 'directory') return 'a directory, not an executable';
  return `not executable (chmod +x ${executable})`;
}

export interface Resolved {
  readonly clients: ResolvedClient[];
  /** One line per client that was asked for and cannot run. */
  readonly problems: string[];
}

/**
 * Asks every client for its `--version` (side by side). A client the user named — with `--client`,
 * or a built-in with `--only` — must answer: else it is a problem (exit 2). A built-in that was
 * not named is reported missing in its column.
 */
export async function resolveClients(
  clients: readonly ClientSpec[],
  named: ReadonlySet<string>,
  label: (c: ClientSpec) => string,
  timeoutMs = VERSION_TIMEOUT_MS,
): Promise<Resolved> {
  const answers = await Promise.all(
    clients.map(async (c): Promise<{ client: ResolvedClient; problem?: string }> => {
      const cannot =
        c.executable === null
          ? (c.missing ?? 'no executable')
          : c.builtin
            ? undefined
            : executableProblem(c.executable);
      if (cannot !== undefined || c.executable === null)
        return { client: { ...c, version: null, missing: cannot ?? 'no executable' }, problem: cannot };
      const answer = await clientVersion(c.executable, timeoutMs);
      if ('version' in answer) return { client: { ...c, version: answer.version } };
      return { client: { ...c, version: null, missing: answer.problem }, problem: answer.problem };
    }),
  );
  const problems = answers.flatMap(({ client, problem }) =>
    problem !== undefined && (named.has(client.name) || !client.builtin)
      ? [`${label(client)}: ${client.builtin ? `${client.name} cannot run here: ` : ''}${problem}`]
      : [],
  );
  return { clients: answers.map((a) => a.client), problems };
}

/**
 * The clients of a run, each asked its --version (resolveClients), and the lines why the run cannot
 * test: a client named (`--only NAME`, `--client NAME=EXE`) that cannot run, or none that runs here.
 */
export async function resolveRunClients(
  clients: readonly ClientSpec[],
  named: ReadonlySet<string>,
  timeoutMs?: number,
): Promise<{ resolved: Resolved; problems: readonly string[] }> {
  const label = (c: ClientSpec): string =>
    c.builtin ? `--only ${c.name}` : `--client ${c.name}=${c.executable ?? ''}`;
  const resolved = await resolveClients(clients, named, label, timeoutMs);
  if (resolved.problems.length > 0) return { resolved, problems: resolved.problems };
  if (!resolved.clients.some((c) => c.version !== null))
    return {
      resolved,
      problems: [
        `nothing to test: no client runs here (${resolved.clients.map((c) => `${c.name}: ${c.missing}`).join('; ')})`,
      ],
    };
  return { resolved, problems: [] };
}
