/**
 * `npm run soak`'s numbers: latency percentiles, the mock's RSS and open sockets read from
 * /proc (Linux; the control API has no memory endpoint), and whether RSS levelled off.
 */
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

/** The p-th percentile (0–100) of `values`, nearest rank; NaN when empty. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

/** VmRSS of process `pid` in MiB, or null once it is gone. */
export function rssMiB(pid: number): number | null {
  try {
    const m = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : null;
  } catch {
    return null;
  }
}

/** How many of process `pid`'s file descriptors are sockets (listeners included), or null once it is gone. */
export function openSockets(pid: number): number | null {
  try {
    let n = 0;
    for (const fd of readdirSync(`/proc/${pid}/fd`)) {
      try {
        if (readlinkSync(`/proc/${pid}/fd/${fd}`).startsWith('socket:')) n++;
      } catch {
        // closed between the listing and the read
      }
    }
    return n;
  } catch {
    return null;
  }
}

export interface Plateau {
  readonly levelled: boolean;
  /** Growth of the highest RSS of the last third over the highest before it, in percent. */
  readonly growthPercent: number;
  readonly firstMiB: number;
  readonly peakMiB: number;
}

/**
 * RSS has levelled off when the highest sample of the run's last third is at most `maxGrowth`
 * percent above the highest sample before it (a heap that grows to its size and stays there
 * passes; one that keeps climbing does not). Fewer than 3 samples: not levelled (too short to tell).
 */
export function plateau(samples: readonly number[], maxGrowth: number): Plateau {
  const cut = Math.floor((samples.length * 2) / 3);
  const before = Math.max(...samples.slice(0, cut));
  const last = Math.max(...samples.slice(cut));
  const growthPercent = samples.length < 3 ? Number.NaN : ((last - before) / before) * 100;
  return {
    levelled: samples.length >= 3 && growthPercent <= maxGrowth,
    growthPercent,
    firstMiB: samples[0] ?? Number.NaN,
    peakMiB: Math.max(...samples),
  };
}

/** `{a: 2, b: 1}` → `a=2 b=1`, or `0` when empty. */
export function counts(byKind: ReadonlyMap<string, number>): string {
  return byKind.size === 0 ? '0' : [...byKind].map(([k, n]) => `${k}=${n}`).join(' ');
}

export function bump(byKind: Map<string, number>, kind: string, n = 1): void {
  byKind.set(kind, (byKind.get(kind) ?? 0) + n);
}
