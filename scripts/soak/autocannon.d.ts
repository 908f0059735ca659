// The part of autocannon (no bundled types) that scripts/soak and scripts/bench.ts use.
declare module 'autocannon' {
  import type { EventEmitter } from 'node:events';
  export interface Request {
    method?: string;
    path?: string;
    headers?: Record<string, string>;
    body?: string;
    setupRequest?: (req: Request, context: Record<string, unknown>) => Request;
    onResponse?: (status: number, body: string, context: Record<string, unknown>) => void;
  }
  export interface Options {
    url: string;
    connections: number;
    duration: number;
    requests: Request[];
    timeout?: number;
    tlsOptions?: Record<string, unknown>;
  }
  export interface Instance extends EventEmitter {
    stop(): void;
  }
  export default function autocannon(opts: Options, done?: (err: Error | null, result: unknown) => void): Instance;
}
