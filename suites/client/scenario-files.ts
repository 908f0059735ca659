/**
 * The scenario files of fixtures/scenarios/ as `pmm-auth-check scenarios` reads them: read from the
 * directory (never through mock/: the harness is black-box), selected by a glob over their ids, and
 * what each asks of a client (its `client` object, with the defaults of the schema's description).
 * The mock validates a file in full when it starts in it; here only what the runner uses is checked.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Expectation } from './scenario-expect.ts';
import type { ProfileName } from './profiles.ts';

export const SCENARIOS_DIR = fileURLToPath(new URL('../../fixtures/scenarios/', import.meta.url));

/** A scenario's `client` (fixtures/scenarios/scenario.schema.json `$defs/client`). */
export interface ScenarioClient {
  readonly method?: 'GET' | 'POST';
  readonly path?: string;
  readonly body?: unknown;
  readonly credential?: string;
  readonly authMode?: 'bearer' | 'userinfo';
  readonly repeat?: number;
  readonly tlsMode?: 'verify' | 'insecure' | 'ca';
}

export interface ScenarioFile {
  readonly id: string;
  readonly title: string;
  readonly symptom: string;
  readonly bug?: string;
  readonly product: { readonly profile: ProfileName; readonly grafanaVersion?: string };
  readonly sources: readonly string[];
  readonly initial?: {
    readonly keys?: readonly { readonly name: string }[];
    readonly tokens?: readonly { readonly name: string }[];
    readonly users?: readonly { readonly login: string }[];
  };
  readonly client?: ScenarioClient;
  readonly expect: readonly Expectation[];
}

/** A glob over ids: `*` is any run of characters, everything else literal. */
export function globToRegExp(glob: string): RegExp {
  return new RegExp(
    `^${glob
      .split('*')
      .map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
  );
}

/** A scenario as the runner reads it: from the catalogue, or a user's own file (`--scenario-file`, `path` set). */
export type LoadedScenario = ScenarioFile & { readonly path?: string };

/**
 * One scenario file; an Error naming the file and JSON pointer when it cannot be read or lacks what
 * the runner needs. A catalogue file's id is its file name.
 */
export function loadScenarioFile(where: string, catalogue: boolean): LoadedScenario {
  let s: Partial<ScenarioFile>;
  try {
    s = JSON.parse(readFileSync(where, 'utf8')) as Partial<ScenarioFile>;
  } catch (e) {
    const why = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message.split('\n')[0];
    throw new Error(`${where}: cannot be read as JSON (${why})`);
  }
  const name = basename(where, '.json');
  if (typeof s.id !== 'string' || (catalogue && s.id !== name))
    throw new Error(`${where}: /id: expected ${catalogue ? `"${name}"` : 'a string'}`);
  if (s.product?.profile !== 'pmm2' && s.product?.profile !== 'pmm3')
    throw new Error(`${where}: /product/profile: expected pmm2 or pmm3`);
  if (!Array.isArray(s.expect)) throw new Error(`${where}: /expect: expected an array`);
  if (!Array.isArray(s.sources)) throw new Error(`${where}: /sources: expected an array`);
  return catalogue ? (s as ScenarioFile) : { ...(s as ScenarioFile), path: where };
}

/** Every catalogue file, in id order. */
export function loadScenarios(dir = SCENARIOS_DIR): LoadedScenario[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json') && f !== 'scenario.schema.json')
    .sort()
    .map((f) => loadScenarioFile(join(dir, f), true));
}

/** The scenarios whose id matches the glob (all without one). */
export function selectScenarios<T extends ScenarioFile>(all: readonly T[], glob: string | undefined): T[] {
  if (glob === undefined) return [...all];
  const re = globToRegExp(glob);
  return all.filter((s) => re.test(s.id));
}

/** What the client is asked to do, the schema's defaults filled in (GET /v1/version, the first key or token, bearer, once, ca). */
export interface ClientRequest {
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly body?: string;
  /** The name of the key, token or user whose secret is sent. */
  readonly credential: string | undefined;
  /** A user's password is sent in the URL, a key or token per authMode. */
  readonly isUser: boolean;
  readonly authMode: 'bearer' | 'userinfo';
  readonly repeat: number;
  readonly tlsMode: 'verify' | 'insecure' | 'ca';
}

export function clientRequest(s: ScenarioFile): ClientRequest {
  const c = s.client ?? {};
  const first = s.initial?.keys?.[0]?.name ?? s.initial?.tokens?.[0]?.name;
  const credential = c.credential ?? first;
  const isUser = credential !== undefined && (s.initial?.users ?? []).some((u) => u.login === credential);
  return {
    method: c.method ?? 'GET',
    path: c.path ?? '/v1/version',
    ...(c.body !== undefined ? { body: typeof c.body === 'string' ? c.body : JSON.stringify(c.body) } : {}),
    credential,
    isUser,
    // A user's password only travels as URL credentials (pmm-auth §3.4).
    authMode: isUser ? 'userinfo' : (c.authMode ?? 'bearer'),
    repeat: c.repeat ?? 1,
    tlsMode: c.tlsMode ?? 'ca',
  };
}
