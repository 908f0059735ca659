/**
 * `npm run bench` (issue 15): the mock against a bare node:https handler, a minimal Hono app and
 * mockttp's callback rule, each doing the same Bearer check on `GET /v1/version` and sending the
 * mock's own answer (its headers and body, sampled first), each in its own
 * process on 127.0.0.1 (mockttp has no host option: scripts/bench/mockttp.mjs binds it there), driven one
 * after the other by autocannon in this process with the same closed loop (50 keep-alive
 * connections, a warm-up first), in rounds (5 by default; the order rotated each round). Prints one
 * table of medians over the rounds — requests/s, p50/p99 latency, RSS, the ratio to bare — then the
 * mock's cold start to its first HTTPS 200 (certificates cached) and the time to generate the
 * certificate-personality set. A script that reports numbers, not a test.
 *
 *   npm run bench -- [--seconds N] [--connections N] [--rounds N]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const MOCK_BIN = join(ROOT, 'scripts/pmm-auth-mock.js');
/** The mock as the bench starts it: its ready line on stdout, free HTTPS port, no plain HTTP. */
const MOCK_ARGS = [MOCK_BIN, '--json', '--https-port', '0', '--http-port', '-1'];

interface Started {
  readonly child: ChildProcess;
  readonly port: number;
}

/** Spawns `args` and waits for the first stdout line (JSON with `port`, or the mock's ready line). */
function start(args: string[]): Promise<Started & { line: Record<string, unknown> }> {
  const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const nl = out.indexOf('\n');
      if (nl < 0) return;
      const line = JSON.parse(out.slice(0, nl)) as Record<string, unknown>;
      const port = typeof line.port === 'number' ? line.port : Number(new URL(String(line.https)).port);
      resolve({ child, port, line });
    });
    child.on('exit', (code) => reject(new Error(`${args.join(' ')} exited ${code} before it was ready`)));
  });
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

/** CPU seconds (user + system) the process has used so far, from /proc/<pid>/stat (clock ticks of 1/100 s). */
const cpuSeconds = (pid: number): number => {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
};

const rssMiB = (pid: number): number => {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Math.round(Number(m[1]) / 1024) : NaN;
};

const MOCK = 'pmm-auth-mock (full path)';
const BARE = 'bare node:https';

/** One server's figures in one round. */
interface Run {
  readonly rps: number;
  readonly p50: number;
  readonly p99: number;
  readonly rss: number;
  readonly non2xx: number;
  readonly errors: number;
  readonly cpuMicros: number;
}

/** What the table reads of autocannon's result. */
interface LoadResult {
  readonly requests: { readonly average: number };
  readonly latency: { readonly p50: number; readonly p99: number };
  readonly non2xx: number;
  readonly errors: number;
}

function load(port: number, key: string, seconds: number, connections: number): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    autocannon(
      {
        url: `https://127.0.0.1:${port}`,
        requests: [{ method: 'GET', path: '/v1/version', headers: { Authorization: `Bearer ${key}` } }],
        connections,
        duration: seconds,
        // The certificates are the mock's own self-signed ones; trust is not what is measured.
        tlsOptions: { rejectUnauthorized: false },
      },
      (err, result) => (err ? reject(err) : resolve(result as LoadResult)),
    );
  });
}

/** The mock's answer to the measured request — its headers (but the connection's own) and body — for the reference servers to send the same bytes. */
function sampleAnswer(port: number, key: string): Promise<{ headers: Record<string, string>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path: '/v1/version',
        headers: { Authorization: `Bearer ${key}` },
        rejectUnauthorized: false,
        agent: false,
      },
      (res) => {
        let body = '';
        res.on('data', (d: Buffer) => (body += d.toString()));
        res.on('end', () => {
          const headers: Record<string, string> = {};
          for (const [k, v] of Object.entries(res.headers))
            if (!['date', 'connection', 'keep-alive', 'content-length', 'transfer-encoding'].includes(k))
              headers[k] = String(v);
          resolve({ headers, body });
        });
      },
    );
    req.on('error', reject);
    req.end();
  });
}

/** One HTTPS GET; resolves with the status, or 0 when nothing answers yet. */
function status(port: number, path: string): Promise<number> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path, rejectUnauthorized: false, agent: false }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', () => resolve(0));
    req.end();
  });
}

/** ms from spawning the mock (default certificate style) to its first HTTPS 200 on /v1/readyz. */
async function coldStart(certDir: string, port: number): Promise<number> {
  const t0 = performance.now();
  const child = spawn(
    process.execPath,
    [MOCK_BIN, '--https-port', String(port), '--http-port', '-1', '--cert-dir', certDir],
    {
      cwd: ROOT,
      stdio: 'ignore',
    },
  );
  try {
    for (;;) {
      if ((await status(port, '/v1/readyz')) === 200) return performance.now() - t0;
      if (performance.now() - t0 > 10_000) throw new Error('the mock did not answer within 10 s');
      await new Promise((r) => setTimeout(r, 2));
    }
  } finally {
    await stop(child);
  }
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

async function main(): Promise<void> {
  const usage = 'usage: npm run bench -- [--seconds N] [--connections N] [--rounds N]  (defaults 5, 50, 5)';
  let values: { seconds: string; connections: string; rounds: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      options: {
        seconds: { type: 'string', default: '5' },
        connections: { type: 'string', default: '50' },
        rounds: { type: 'string', default: '5' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (err) {
    process.stderr.write(`bench: ${(err as Error).message}; ${usage}\n`);
    process.exit(2);
  }
  if (values.help) {
    process.stdout.write(`${usage}\n`);
    return;
  }
  const seconds = Number(values.seconds);
  const connections = Number(values.connections);
  const rounds = Number(values.rounds);
  if (!(seconds > 0) || !(connections > 0) || !Number.isInteger(rounds) || rounds < 1) {
    process.stderr.write('bench: --seconds and --connections must be positive numbers, --rounds a positive integer\n');
    process.exit(2);
  }
  const certDir = mkdtempSync(join(tmpdir(), 'pmmconf-bench-'));
  /** Every server started, stopped in `finally` too when a run fails (stop() is a no-op for one that has exited). */
  const servers: ChildProcess[] = [];
  try {
    // PMM's own certificate shape (RSA-2048, `--cert-style pmm`) for every server: mockttp 4.2 takes RSA keys only.
    const mock = await start([
      ...MOCK_ARGS,
      '--cert-style',
      'pmm',
      '--cert-dir',
      certDir,
      '--seed-key',
      'bench:Viewer',
      '--journal-size',
      '1000',
    ]);
    servers.push(mock.child);
    const key = (mock.line.keys as Record<string, string>).bench!;
    const cert = String(mock.line.caFile);
    const keyFile = cert.replace(/\.crt$/, '.key');
    // The references answer the mock's own bytes (PMM's pretty version JSON, nginx's headers): the same
    // response on the wire, so that the ratio measures the mock's work, not the size of its answer.
    const answerFile = join(certDir, 'answer.json');
    writeFileSync(answerFile, JSON.stringify(await sampleAnswer(mock.port, key)));
    const targets: [string, Started][] = [[MOCK, mock]];
    for (const [name, file] of [
      [BARE, 'bare.mjs'],
      ['minimal Hono', 'hono.mjs'],
      ['mockttp callback', 'mockttp.mjs'],
    ] as const) {
      const reference = await start([join(ROOT, 'scripts/bench', file), cert, keyFile, key, answerFile]);
      servers.push(reference.child);
      targets.push([name, reference]);
    }
    // Rounds: every server once per round, the order rotated, so that a slow spell of this shared
    // machine falls on all of them; each figure is a median over the rounds, each ratio the median of
    // ratios to bare within the same round.
    const runs = new Map<string, Run[]>(targets.map(([name]) => [name, []]));
    for (let round = 0; round < rounds; round++)
      for (let i = 0; i < targets.length; i++) {
        const [name, t] = targets[(i + round) % targets.length]!;
        await load(t.port, key, round === 0 ? Math.min(2, seconds) : Math.min(1, seconds), connections); // warm-up
        const cpuBefore = cpuSeconds(t.child.pid!);
        const r = await load(t.port, key, seconds, connections);
        const cpuUsed = cpuSeconds(t.child.pid!) - cpuBefore;
        runs.get(name)!.push({
          rps: r.requests.average,
          p50: r.latency.p50,
          p99: r.latency.p99,
          rss: rssMiB(t.child.pid!),
          non2xx: r.non2xx,
          errors: r.errors,
          cpuMicros: (cpuUsed * 1e6) / Math.max(1, r.requests.average * seconds),
        });
      }
    for (const [, t] of targets) await stop(t.child);
    const bareRuns = runs.get(BARE)!;
    const ratios = (name: string) => runs.get(name)!.map((r, i) => r.rps / Math.max(1, bareRuns[i]!.rps));
    const line = (cols: (string | number)[]) => `| ${cols.join(' | ')} |`;
    process.stdout.write(
      `\nGET /v1/version, Bearer, ${connections} connections, ${rounds} rounds of ${seconds} s per server (after a warm-up), one server at a time; medians over the rounds\n\n`,
    );
    process.stdout.write(
      `${line(['server', 'requests/s', 'p50 ms', 'p99 ms', 'RSS MiB', 'ratio to bare', 'CPU µs/request', 'non-2xx'])}\n|---|---|---|---|---|---|---|---|\n`,
    );
    for (const [name] of targets) {
      const rs = runs.get(name)!;
      const of = (f: (r: Run) => number) => median(rs.map(f));
      process.stdout.write(
        `${line([name, Math.round(of((r) => r.rps)), of((r) => r.p50), of((r) => r.p99), Math.max(...rs.map((r) => r.rss)), median(ratios(name)).toFixed(2), Math.round(of((r) => r.cpuMicros)), rs.reduce((n, r) => n + r.non2xx, 0)])}\n`,
      );
    }
    process.stdout.write(
      `\n${MOCK} to bare, round by round: ${ratios(MOCK)
        .map((x) => x.toFixed(2))
        .join(', ')}\n`,
    );
    const port = 20000 + Math.floor(Math.random() * 20000);
    const starts: number[] = [];
    await coldStart(certDir, port); // generates the default certificate: the runs below find it cached
    for (let i = 0; i < 5; i++) starts.push(await coldStart(certDir, port));
    process.stdout.write(
      `\ncold start to the first HTTPS 200 (certificates cached): median ${Math.round(median(starts))} ms of ${starts.map((s) => Math.round(s)).join(', ')}\n`,
    );
    const fresh = mkdtempSync(join(tmpdir(), 'pmmconf-bench-'));
    try {
      const t0 = performance.now();
      const withTls = await start([...MOCK_ARGS, '--cert-dir', fresh, '--tls', 'all']);
      const generated = performance.now() - t0;
      await stop(withTls.child);
      process.stdout.write(
        `certificate-personality set generated and served (--tls all, empty cert dir): ${Math.round(generated)} ms\n`,
      );
    } finally {
      rmSync(fresh, { recursive: true, force: true });
    }
    if ([...runs.values()].flat().some((r) => r.non2xx > 0 || r.errors > 0 || r.rps === 0)) {
      process.stderr.write(
        'bench: some answers were not 2xx, or a server answered nothing: the numbers measure something else\n',
      );
      process.exitCode = 1;
    }
  } finally {
    for (const child of servers) await stop(child);
    rmSync(certDir, { recursive: true, force: true });
  }
}

await main();
