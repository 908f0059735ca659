/** The built-in client adapters (fixtures/clients/) and how to get an executable for each. */
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { batchBuiltin, closeBatches } from './batch.ts';

export const CLIENTS_DIR = fileURLToPath(new URL('../../fixtures/clients/', import.meta.url));

/**
 * The built-ins, in report order. `batch`: the adapter takes its cases in batch mode (PROTOCOL.md
 * "Batch mode", suites/client/batch.ts) — one process per profile instead of one per case.
 */
const BUILTINS = {
  curl: {},
  wget: {},
  httpie: { batch: true },
  'python-requests': { batch: true },
  'python-urllib': { batch: true },
  'python-httpx': { batch: true },
  'python-urllib3': { batch: true },
  'node-global-fetch': { batch: true },
  'node-https': { batch: true },
  axios: { batch: true },
  undici: { batch: true },
  got: { batch: true },
  'node-fetch': { batch: true },
  superagent: { batch: true },
  'go-nethttp': {},
  'ruby-nethttp': { batch: true },
  'perl-lwp': { batch: true },
  'php-curl': { batch: true },
  'java-httpclient': { batch: true },
  'ansible-uri': { batch: true },
  'ansible-uri-basic': { batch: true },
  'ansible-grafana-folder': { batch: true },
} as const satisfies Record<string, { batch?: boolean }>;

export type BuiltinName = keyof typeof BUILTINS;
export const BUILTIN_CLIENTS = Object.keys(BUILTINS) as BuiltinName[];

export interface ClientSpec {
  readonly name: string;
  /** The executable, or null when it cannot be had on this machine (with the reason). */
  readonly executable: string | null;
  readonly missing?: string;
  readonly builtin: boolean;
}

export interface Builtins {
  /** The clients, once the compiled ones are built. */
  readonly clients: Promise<ClientSpec[]>;
  /**
   * Ends the batch processes and removes what building left (Go's binary, Java's classes, their
   * temporary directories), stopping a compiler still running with its process group first.
   */
  cleanup(): Promise<void>;
  /** The same, synchronously, for the way out (`process.on('exit')`): no waiting for a compiler. */
  cleanupSync(): void;
}

interface Build {
  /** What a failure is called ("go build failed: …"). */
  readonly step: string;
  readonly command: string;
  readonly args: (dir: string) => string[];
  readonly env?: (dir: string) => NodeJS.ProcessEnv;
  /** What the run uses once the build succeeded (a file in `dir`). */
  readonly executable: (dir: string) => string;
  readonly notInstalled: string;
}

/**
 * The compiled built-ins, built once per run into a temporary directory (not per case): Go's
 * (`go build`) and Java's (`javac`, then a two-line launcher that runs the class with a JVM that
 * starts fast: C1 only, class-data sharing, the serial collector — start-up flags, no semantics).
 */
const BUILDS: Readonly<Record<string, Build>> = {
  'go-nethttp': {
    step: 'go build',
    command: 'go',
    args: (dir) => ['build', '-o', join(dir, 'go-nethttp'), '.'],
    // go's own temporary files (its $WORK) go inside our directory, so that removing it removes them.
    env: (dir) => {
      const work = join(dir, 'work');
      mkdirSync(work);
      return { GOFLAGS: '-mod=mod', GOTOOLCHAIN: 'local', GOPROXY: 'off', GOTMPDIR: work };
    },
    executable: (dir) => join(dir, 'go-nethttp'),
    notInstalled: 'go is not installed (Debian: golang-go)',
  },
  'java-httpclient': {
    step: 'javac',
    command: 'javac',
    // -XX:-UsePerfData: no /tmp/hsperfdata_<user>/<pid> file, which a JVM killed at a timeout leaves behind.
    args: (dir) => ['-J-XX:-UsePerfData', '-d', join(dir, 'classes'), '-encoding', 'UTF-8', 'Client.java'],
    executable: (dir) => {
      const launcher = join(dir, 'java-httpclient');
      writeFileSync(
        launcher,
        `#!/bin/sh\nexec java -XX:-UsePerfData -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xshare:auto -cp '${join(dir, 'classes')}' Client "$@"\n`,
      );
      chmodSync(launcher, 0o755);
      return launcher;
    },
    notInstalled: 'javac is not installed (Debian: openjdk-17-jdk-headless)',
  },
};

function build(
  name: string,
  spec: Build,
  dir: string,
  track: (child: ChildProcess | undefined) => void,
): Promise<{ executable: string | null; missing?: string }> {
  return new Promise((resolve) => {
    // A process group of its own: an interrupt stops the compiler's children with it.
    const child = spawn(spec.command, spec.args(dir), {
      cwd: join(CLIENTS_DIR, name),
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
      env: { ...process.env, ...spec.env?.(dir) },
    });
    track(child);
    let text = '';
    child.stdout.on('data', (d: Buffer) => (text += d.toString()));
    child.stderr.on('data', (d: Buffer) => (text += d.toString()));
    child.on('error', () => {
      track(undefined);
      resolve({ executable: null, missing: spec.notInstalled });
    });
    child.on('close', (code) => {
      track(undefined);
      resolve(
        code === 0
          ? { executable: spec.executable(dir) }
          : { executable: null, missing: `${spec.step} failed: ${text.trim().split('\n').pop()}` },
      );
    });
  });
}

/**
 * The named built-ins, the compiled ones built in the background; call `cleanup()` when the run
 * ends (also while a build still runs: an interrupt). It also ends the batch processes.
 */
export function builtinClients(names: readonly string[]): Builtins {
  const dirs: string[] = [];
  const building = new Set<ChildProcess>();
  const stopBuilds = (): void => {
    for (const child of building) {
      if (child.pid === undefined) continue;
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // gone
      }
    }
  };
  const cleanupSync = (): void => {
    closeBatches();
    stopBuilds();
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  };
  const cleanup = async (): Promise<void> => {
    const children = [...building];
    stopBuilds();
    // Wait (briefly) until the compilers are gone: nothing of them writes into a directory after it is removed.
    await Promise.all(
      children
        .filter((child) => child.exitCode === null && child.signalCode === null)
        .map(
          (child) =>
            new Promise<void>((resolve) => {
              const timer = setTimeout(resolve, 2_000);
              child.once('exit', () => {
                clearTimeout(timer);
                resolve();
              });
            }),
        ),
    );
    cleanupSync();
  };
  const clients = Promise.all(
    names.map(async (name): Promise<ClientSpec> => {
      const spec = BUILDS[name];
      let found: { executable: string | null; missing?: string };
      if (spec) {
        const dir = mkdtempSync(join(tmpdir(), `pmmconf-${name}-`));
        dirs.push(dir);
        let mine: ChildProcess | undefined;
        found = await build(name, spec, dir, (c) => {
          if (c) building.add((mine = c));
          else if (mine) building.delete(mine);
        });
      } else {
        const executable = join(CLIENTS_DIR, name);
        found = existsSync(executable) ? { executable } : { executable: null, missing: `no adapter ${executable}` };
      }
      const batch = (BUILTINS as Record<string, { batch?: boolean }>)[name]?.batch === true;
      if (found.executable !== null && batch) batchBuiltin(found.executable);
      return { name, builtin: true, ...found };
    }),
  );
  return { clients, cleanup, cleanupSync };
}
