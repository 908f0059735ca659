/**
 * `npm run soak [-- --seconds S --connections N --idle M --half-open H --profile pmm2|pmm3]
 * [-- MOCK FLAGS…]`: runs `pmm-auth-mock` in a child process (so RSS is the mock's own), loads it
 * with mixed traffic (scripts/soak/traffic.ts) beside idle and half-open sockets, prints a line
 * every few seconds and a summary. Exit 0: no errors, no unexpected status, RSS levelled off;
 * 1 otherwise; 2 on bad flags. Words after a second `--` go to the mock (`--journal-size 10`);
 * `--node-option X` (repeatable) to the mock's node (`--max-semi-space-size=1`).
 */
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { holdHalfOpen, holdIdle, type Held } from './soak/sockets.ts';
import { bump, counts, openSockets, percentile, plateau, rssMiB } from './soak/stats.ts';
import { mixedRequests } from './soak/traffic.ts';
import { startMockProcess, stopMockProcess, type MockProcess } from './soak/mock-process.ts';

const USAGE = `Usage: npm run soak -- [options] [-- pmm-auth-mock flags]
  --seconds S          how long to load the mock (default 60)
  --connections N      autocannon connections of mixed traffic, over HTTPS (default 200)
  --idle M             idle keep-alive sockets held open on the HTTP listener (default 500)
  --half-open H        TLS sockets that never finish their handshake (default 100)
  --profile P          pmm2 (default) or pmm3 (adds glsa_ token traffic)
  --every S            seconds between progress lines (default 5)
  --max-growth PCT     RSS growth allowed in the last third of the run (default 10)
  --node-option X      a flag for the mock's node, e.g. --max-semi-space-size=1 (repeatable)
`;

const fail = (message: string): never => {
  process.stderr.write(`soak: ${message} (see --help)\n`);
  process.exit(2);
};

function flags() {
  let parsed;
  try {
    parsed = parseArgs({
      args: process.argv.slice(2),
      allowPositionals: true,
      options: {
        seconds: { type: 'string', default: '60' },
        connections: { type: 'string', default: '200' },
        idle: { type: 'string', default: '500' },
        'half-open': { type: 'string', default: '100' },
        profile: { type: 'string', default: 'pmm2' },
        every: { type: 'string', default: '5' },
        'max-growth': { type: 'string', default: '10' },
        'node-option': { type: 'string', multiple: true, default: [] },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (e) {
    return fail((e as Error).message.split('\n')[0]!);
  }
  const v = parsed.values;
  if (v.help) {
    process.stdout.write(USAGE);
    process.exit(0);
  }
  const int = (flag: string, value: string, min: number, max: number): number => {
    const n = /^\d+$/.test(value) ? Number(value) : Number.NaN;
    return n >= min && n <= max ? n : fail(`--${flag} must be an integer from ${min} to ${max}, got "${value}"`);
  };
  if (v.profile !== 'pmm2' && v.profile !== 'pmm3') fail(`--profile must be pmm2 or pmm3, got "${v.profile}"`);
  return {
    seconds: int('seconds', v.seconds, 3, 86_400),
    connections: int('connections', v.connections, 1, 5000),
    idle: int('idle', v.idle, 0, 10_000),
    halfOpen: int('half-open', v['half-open'], 0, 10_000),
    profile: v.profile as 'pmm2' | 'pmm3',
    every: int('every', v.every, 1, 3600),
    maxGrowth: int('max-growth', v['max-growth'], 0, 1000),
    nodeOptions: v['node-option'],
    mockArgs: parsed.positionals,
  };
}

const opts = flags();
const mock: MockProcess = await startMockProcess(opts.profile, opts.nodeOptions, opts.mockArgs).catch((e: Error) => {
  process.stderr.write(`soak: ${e.message}\n`);
  process.exit(1);
});
const held: Held[] = [holdIdle(mock.httpPort, opts.idle), holdHalfOpen(mock.httpsPort, opts.halfOpen)];
// The held sockets first, all connected, then the load (README "Memory under load").
const connected = await Promise.all(held.map((h) => h.connected(30_000)));
process.stdout.write(
  `soak: mock pid ${mock.pid}, ${connected[0]}/${opts.idle} idle and ${connected[1]}/${opts.halfOpen} half-open sockets open; ` +
    `${opts.connections} connections of mixed traffic for ${opts.seconds} s\n`,
);
const unexpected = new Map<string, number>();
const errors = new Map<string, number>();
let latencies: number[] = [];
let answered = 0;
const rss: number[] = [];
const started = Date.now();
const fmt = (n: number): string => (Number.isFinite(n) ? n.toFixed(1) : '-');

const instance = autocannon(
  {
    url: mock.httpsUrl,
    connections: opts.connections,
    duration: opts.seconds,
    timeout: 10,
    requests: mixedRequests(mock.credentials, unexpected),
  },
  (err) => void finish(err ? `autocannon: ${err.message}` : null),
);
instance.on('response', (_client: unknown, _status: number, _bytes: number, ms: number) => {
  answered++;
  latencies.push(ms);
});
instance.on('reqError', (e: NodeJS.ErrnoException) => bump(errors, e.code ?? e.message));

const all = { answered: 0, latencies: [] as number[] };
let last = Date.now();
const tick = setInterval(() => {
  const now = Date.now();
  const mib = rssMiB(mock.pid);
  if (mib !== null) rss.push(mib);
  all.answered += answered;
  for (const l of latencies) all.latencies.push(l);
  const [idle, half] = held.map((h) => h.open());
  process.stdout.write(
    `${((now - started) / 1000).toFixed(0).padStart(4)} s  ${fmt((answered * 1000) / (now - last))} req/s  ` +
      `errors ${counts(errors)}  unexpected ${counts(unexpected)}  ` +
      `p50 ${fmt(percentile(latencies, 50))} ms  p99 ${fmt(percentile(latencies, 99))} ms  ` +
      `rss ${mib === null ? 'gone' : `${mib.toFixed(0)} MiB`}  mock sockets ${openSockets(mock.pid) ?? '-'} ` +
      `(idle ${idle}, half-open ${half})\n`,
  );
  answered = 0;
  latencies = [];
  last = now;
  if (mib === null) void finish('the mock exited during the run');
}, opts.every * 1000);

let finishing = false;
async function finish(problem: string | null): Promise<void> {
  if (finishing) return;
  finishing = true;
  clearInterval(tick);
  instance.stop();
  for (const h of held) h.close();
  const stopMs = await stopMockProcess(mock);
  const p = plateau(rss, opts.maxGrowth);
  const closedByMock = held.map((h) => h.closedByMock.n);
  const heldErrors = new Map([...held.flatMap((h) => [...h.errors])]);
  const total = all.answered + answered;
  const secs = (Date.now() - started) / 1000;
  const ok = problem === null && errors.size === 0 && unexpected.size === 0 && heldErrors.size === 0 && p.levelled;
  process.stdout.write(
    `summary: ${total} answers in ${secs.toFixed(0)} s (${fmt(total / secs)} req/s), ` +
      `p50 ${fmt(percentile(all.latencies, 50))} ms, p99 ${fmt(percentile(all.latencies, 99))} ms\n` +
      `  errors ${counts(errors)}; unexpected statuses ${counts(unexpected)}; held-socket errors ${counts(heldErrors)}; ` +
      `closed by the mock: idle ${closedByMock[0]}, half-open ${closedByMock[1]}\n` +
      `  rss first ${fmt(p.firstMiB)} MiB, peak ${fmt(p.peakMiB)} MiB, last-third growth ${fmt(p.growthPercent)} % ` +
      `(limit ${opts.maxGrowth} %): ${p.levelled ? 'levelled off' : 'NOT levelled off'}\n` +
      `  the mock stopped ${stopMs === null ? 'only on SIGKILL' : `${stopMs} ms after SIGTERM`}\n` +
      `${problem ? `  ${problem}\n` : ''}soak: ${ok ? 'PASS' : 'FAIL'}\n`,
  );
  process.exit(ok ? 0 : 1);
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => void finish(`interrupted (${signal})`));
