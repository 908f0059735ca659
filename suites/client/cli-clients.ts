/**
 * What `pmm-auth-check clients` and `pmm-auth-check scenarios` share on the command line: `--client
 * NAME=EXECUTABLE …` and `--only NAME[,NAME…]` → the built-ins and custom clients to run, and the
 * names the user asked for (each must run, or the run exits 2).
 */
import { BUILTIN_CLIENTS, type ClientSpec } from './builtins.ts';

/** A usage error: one line, exit 2. */
export class Usage extends Error {}

/** A command's parsed arguments, or — for a usage error — one line on `err` and exit code 2. */
export function parsedOr2<T>(
  parse: (args: readonly string[]) => T,
  args: readonly string[],
  err: NodeJS.WritableStream,
): T | 2 {
  try {
    return parse(args);
  } catch (e) {
    if (!(e instanceof Usage)) throw e;
    err.write(`pmm-auth-check: ${e.message}\n`);
    return 2;
  }
}

/** The exit code of a run stopped by a signal (128 + its number). */
export const SIGNAL_CODES: Readonly<Record<string, number>> = { SIGINT: 130, SIGTERM: 143 };

/**
 * For the time of a run: SIGINT and SIGTERM call `interrupt`, and `onExit` runs if the process exits
 * on the way (an uncaught error), so that no client or mock outlives the harness. Returns what
 * removes them: the signal handlers only (`'signals'`), or all three.
 */
export function trapSignals(
  interrupt: (signal: NodeJS.Signals) => Promise<void>,
  onExit: () => void,
): (only?: 'signals') => void {
  const onSigint = (): void => void interrupt('SIGINT');
  const onSigterm = (): void => void interrupt('SIGTERM');
  process.once('SIGINT', onSigint);
  process.once('SIGTERM', onSigterm);
  process.once('exit', onExit);
  return (only) => {
    process.off('SIGINT', onSigint);
    process.off('SIGTERM', onSigterm);
    if (only !== 'signals') process.off('exit', onExit);
  };
}

export interface ChosenClients {
  readonly builtins: string[];
  readonly custom: ClientSpec[];
  /** Clients the user named (--client, --only): each must run, or the run exits 2. */
  readonly named: Set<string>;
}

export function chooseClients(specs: readonly string[], onlyValue: string | undefined): ChosenClients {
  const custom: ClientSpec[] = specs.map((spec) => {
    const eq = spec.indexOf('=');
    if (eq <= 0 || eq === spec.length - 1) throw new Usage(`--client "${spec}": expected NAME=EXECUTABLE`);
    return { name: spec.slice(0, eq), executable: spec.slice(eq + 1), builtin: false };
  });
  const names = custom.map((c) => c.name);
  const twice = names.find((n, i) => names.indexOf(n) !== i);
  if (twice !== undefined) throw new Usage(`--client: the name "${twice}" is given twice`);
  const isBuiltin = (n: string): boolean => (BUILTIN_CLIENTS as readonly string[]).includes(n);
  let builtins: string[] = custom.length > 0 ? [] : [...BUILTIN_CLIENTS];
  let chosen = custom;
  const only = onlyValue?.split(',').map((s) => s.trim());
  if (only !== undefined) {
    const unknown = only.filter((n) => !isBuiltin(n) && !names.includes(n));
    if (unknown.length)
      throw new Usage(
        `--only: unknown client(s) ${unknown.join(', ')}; built-ins: ${BUILTIN_CLIENTS.join(', ')}${names.length ? `; --client: ${names.join(', ')}` : ''}`,
      );
    // A --client of a built-in's name is that client: --only picks it, not the built-in.
    builtins = only.filter((n) => isBuiltin(n) && !names.includes(n));
    const picked = custom.filter((c) => only.includes(c.name));
    if (picked.length > 0) chosen = picked;
  }
  return { builtins, custom: chosen, named: new Set([...chosen.map((c) => c.name), ...(only ?? [])]) };
}

/** `--timeout SECONDS` → milliseconds (a whole number from 1 to 600). */
export function timeoutOf(value: string | undefined, defaultMs: number): number {
  const timeout = value === undefined ? defaultMs / 1000 : Number(value);
  if (!(Number.isInteger(timeout) && timeout >= 1 && timeout <= 600))
    throw new Usage(`--timeout must be a whole number of seconds from 1 to 600, got "${value}"`);
  return timeout * 1000;
}

/** `--jobs N` (an integer from 1 to 32), or undefined. */
export function jobsOf(value: string | undefined): number | undefined {
  const jobs = value === undefined ? undefined : Number(value);
  if (jobs !== undefined && !(Number.isInteger(jobs) && jobs >= 1 && jobs <= 32))
    throw new Usage(`--jobs must be an integer from 1 to 32, got "${value}"`);
  return jobs;
}
