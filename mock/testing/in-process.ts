/**
 * The in-process variant of startTestMock, for tests that need only a request and an answer: the
 * same app (createApp), store, clock and journal as the real server, reached through
 * `app.request()` as hono's own tests do, with the agent API of the socket harness (`get`/`post`/…,
 * `set`, `send`, `redirects`, awaited for `status`, `headers`, `text`, `body`). No socket: no
 * certificate, no listener, no port (the journal records `port: null`). What only a socket has —
 * TLS, listeners and their ports, bytes Node's parser sees, the CLI — stays with startTestMock.
 */
import { createApp } from '../app.ts';
import { createClock, type Clock } from '../clock.ts';
import { Journal } from '../journal.ts';
import { cryptoRandom } from '../random.ts';
import { scenarioProfile } from '../scenarios/load.ts';
import { initialStore } from '../initial-store.ts';
import type { MockOptions, RunningMock } from '../options.ts';
import { TEST_DEFAULTS } from './defaults.ts';

/** What an in-process mock has of a running one: its state, and the addresses its requests claim. */
export type InProcessMock = Pick<RunningMock, 'keys' | 'passwords' | 'scenario' | 'store' | 'clock' | 'journal'> & {
  /** The URL the HTTPS agent's requests name (Host header included); nothing listens there. */
  readonly httpsUrl: string;
  readonly httpUrl: string;
};

/** An answer, shaped like supertest's: lower-case headers, the body as text, and parsed when JSON. */
export interface TestResponse {
  readonly status: number;
  readonly headers: Record<string, string | undefined>;
  readonly text: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- loose like supertest's `body`
  readonly body: any;
}

/** A request being built; awaiting it sends it (a Promise, as supertest's Test is). */
export interface TestRequest extends Promise<TestResponse> {
  set(name: string, value: string): TestRequest;
  /** As superagent: an object is sent as JSON; a string without a Content-Type as a form; a Buffer as is. */
  send(body: string | Buffer | object): TestRequest;
  /** Redirects are never followed (supertest's default); only 0 is accepted. */
  redirects(n: number): TestRequest;
}

export interface TestAgent {
  get(path: string): TestRequest;
  post(path: string): TestRequest;
  put(path: string): TestRequest;
  patch(path: string): TestRequest;
  delete(path: string): TestRequest;
  head(path: string): TestRequest;
}

export interface InProcessTestMock {
  readonly mock: InProcessMock;
  readonly clock: Clock;
  https(): TestAgent;
  http(): TestAgent;
  /** A request with any method (the fuzz suite's), to the HTTPS or the HTTP listener's address. */
  request(method: string, path: string, listener?: 'https' | 'http'): TestRequest;
  close(): Promise<void>;
}

/** Options of an in-process mock: those of startMock that do not name a socket. */
export type InProcessOptions = Partial<Omit<MockOptions, 'host' | 'httpsPort' | 'httpPort' | 'tls' | 'personalities'>>;

/** The main listeners' default addresses (mock/cli-options.ts), named by the requests only. */
const HTTPS_URL = 'https://127.0.0.1:8443';
const HTTP_URL = 'http://127.0.0.1:8080';

/** superagent's JSON test (`application/json`, `…+json`): supertest parses those bodies. */
const JSON_TYPE = /[/+]json($|[^-\w])/i;

/** A JSON body parsed; one that is not JSON (a fault's truncated or malformed body) is left as text only (`undefined`). */
function parsed(text: string): unknown {
  if (text === '') return '';
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

type Fetch = (request: Request, env: unknown) => Response | Promise<Response>;

class InProcessRequest implements TestRequest {
  private readonly headers: [string, string][];
  private body: string | Buffer | undefined;
  /** Sent once, however often it is awaited (as superagent does). */
  private answer: Promise<TestResponse> | undefined;

  constructor(
    private readonly fetch: Fetch,
    private readonly base: string,
    private readonly method: string,
    private readonly path: string,
  ) {
    // What Node's client sends unasked: the Host of the URL.
    this.headers = [['host', new URL(base).host]];
  }

  set(name: string, value: string): this {
    const i = this.headers.findIndex(([n]) => n === name.toLowerCase());
    if (i >= 0) this.headers.splice(i, 1);
    this.headers.push([name.toLowerCase(), value]);
    return this;
  }

  send(body: string | Buffer | object): this {
    const typed = this.headers.some(([n]) => n === 'content-type');
    if (typeof body === 'string') {
      if (!typed) this.set('Content-Type', 'application/x-www-form-urlencoded');
      this.body = body;
    } else if (Buffer.isBuffer(body)) {
      this.body = body;
    } else {
      if (!typed) this.set('Content-Type', 'application/json');
      this.body = JSON.stringify(body);
    }
    this.set('Content-Length', String(Buffer.byteLength(this.body)));
    return this;
  }

  redirects(n: number): this {
    if (n !== 0) throw new Error('the in-process agent follows no redirects: use startTestMock');
    return this;
  }

  readonly [Symbol.toStringTag] = 'Promise';

  then<A = TestResponse, B = never>(
    onFulfilled?: ((r: TestResponse) => A | PromiseLike<A>) | null,
    onRejected?: ((e: unknown) => B | PromiseLike<B>) | null,
  ): Promise<A | B> {
    return this.run().then(onFulfilled, onRejected);
  }

  catch<B = never>(onRejected?: ((e: unknown) => B | PromiseLike<B>) | null): Promise<TestResponse | B> {
    return this.run().catch(onRejected);
  }

  finally(onFinally?: (() => void) | null): Promise<TestResponse> {
    return this.run().finally(onFinally);
  }

  private run(): Promise<TestResponse> {
    this.answer ??= this.exchange();
    return this.answer;
  }

  private async exchange(): Promise<TestResponse> {
    const request = new Request(`${this.base}${this.path}`, {
      method: this.method,
      headers: this.headers,
      ...(this.body === undefined ? {} : { body: this.body }),
    });
    // @hono/node-server's binding: the raw request target and header lines (mock/pmm/request.ts reads them).
    const incoming = { url: this.path, rawHeaders: this.headers.flat() };
    const res = await this.fetch(request, { incoming });
    const text = this.method === 'HEAD' ? '' : await res.text();
    const headers: Record<string, string> = {};
    res.headers.forEach((value, name) => (headers[name] = value));
    const json = JSON_TYPE.test(headers['content-type'] ?? '');
    return { status: res.status, headers, text, body: json ? parsed(text) : {} };
  }
}

function agentFor(fetch: Fetch, base: string): TestAgent {
  const make = (method: string) => (path: string) => new InProcessRequest(fetch, base, method, path);
  return {
    get: make('GET'),
    post: make('POST'),
    put: make('PUT'),
    patch: make('PATCH'),
    delete: make('DELETE'),
    head: make('HEAD'),
  };
}

/** An in-process mock with the test defaults of startTestMock; `overrides` replace any option. */
export function startInProcessMock(overrides: InProcessOptions = {}): Promise<InProcessTestMock> {
  // A scenario names its product: its profile unless the test names one.
  const product = overrides.scenario ? { profile: scenarioProfile(overrides.scenario) } : {};
  const opts = { ...TEST_DEFAULTS, ...product, ...overrides };
  const clock = overrides.clock ?? createClock();
  // The same initial state as startMock's (harness.test.ts checks that both harnesses start alike).
  const { store, keys, passwords } = initialStore(opts, clock, opts.random ?? cryptoRandom);
  const journal = new Journal(opts.journalCapacity ?? 1000);
  const app = createApp({
    profile: opts.profile,
    store,
    clock,
    journal,
    random: opts.random ?? cryptoRandom,
    keyMaxSecondsToLive: opts.keyMaxSecondsToLive,
    ...(opts.basicAuthEnabled === undefined ? {} : { basicAuthEnabled: opts.basicAuthEnabled }),
    ...(opts.scenario ? { scenario: opts.scenario } : {}),
    initialState: opts,
    deviations: new Set(opts.deviations ?? []),
    ...(opts.log ? { log: opts.log } : {}),
  });
  const fetch: Fetch = (request, env) => app.fetch(request, env as never);
  return Promise.resolve({
    mock: {
      keys,
      passwords,
      scenario: opts.scenario ?? null,
      store,
      clock,
      journal,
      httpsUrl: HTTPS_URL,
      httpUrl: HTTP_URL,
    },
    clock,
    https: () => agentFor(fetch, HTTPS_URL),
    http: () => agentFor(fetch, HTTP_URL),
    request: (method, path, listener = 'https') =>
      new InProcessRequest(fetch, listener === 'https' ? HTTPS_URL : HTTP_URL, method, path),
    close: () => Promise.resolve(),
  });
}
