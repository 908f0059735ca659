/**
 * globalSetup of the server projects: starts the mock (no PMM_SERVER_URL, or a project that pins
 * its mock with PMMCONF_MOCK_ARGS) or checks the named target, detects its profile and Grafana
 * version, provides the target to the workers, and at the end (or on Ctrl-C) deletes exactly the
 * keys and service accounts this run created, printing "created N, deleted N".
 * A project may name its own target in its `test.env` (PMM_SERVER_URL, PMM_SERVER_CA_FILE,
 * PMM_SUITE_MOCK_POLL_SECONDS & co. there win over the process environment): the self-check's
 * nested run has one project per deviating mock, side by side in one vitest process.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';
import { adminAuth, closeAgents, send } from './http.ts';
import { spawnMock } from './spawn-mock.ts';
import { finishRun } from './cleanup.ts';
import {
  AUTH_CACHE_POLL_SECONDS,
  pollSecondsFor,
  targetFromEnv,
  TargetConfigError,
  type SuiteUser,
  type Target,
} from './target.ts';

const CLEANUP_CLI = fileURLToPath(new URL('./cleanup-cli.ts', import.meta.url));

/** PMM 2.41 answers /v1/version with 2.x; PMM 3 answers /v1/server/version (and /v1/version, rewritten) with 3.x. */
async function detectProfile(t: Target): Promise<Pick<Target, 'profile' | 'version'>> {
  for (const path of ['/v1/version', '/v1/server/version']) {
    const res = await send(t, { path, headers: adminAuth(t) });
    if (res.status === 401)
      throw new TargetConfigError(
        `the admin credentials of PMM_SERVER_URL were refused (${res.text.trim()}); not retrying, so that Grafana does not lock the user`,
      );
    if (res.status !== 200) continue;
    const version = (res.json<{ version?: unknown }>().version as string | undefined) ?? null;
    if (version?.startsWith('2.')) return { profile: 'pmm2', version };
    if (version?.startsWith('3.')) return { profile: 'pmm3', version };
  }
  return { profile: 'unknown', version: null };
}

/** grafana-auth §6.3: GET /graph/api/health (no auth) reports Grafana's `version` (unless hidden). */
async function detectGrafanaVersion(t: Target): Promise<string | null> {
  const res = await send(t, { path: '/graph/api/health' });
  if (res.status !== 200) return null;
  try {
    const v = res.json<{ version?: unknown }>().version;
    return typeof v === 'string' ? v : null;
  } catch {
    return null;
  }
}

/** Org users an embedded mock is started with (--user), for the Basic-user role matrix (pmm-auth §5.2). */
function mockUsers(runId: string): SuiteUser[] {
  return (['Viewer', 'Editor', 'Admin'] as const).map((role) => ({
    login: `pmmconf-${role.toLowerCase()}`,
    password: `${runId}-${role.toLowerCase()}-${randomBytes(6).toString('hex')}`,
    role,
  }));
}

/**
 * The mock a project pins (its `test.env.PMMCONF_MOCK_ARGS`, e.g. "--profile pmm3"): such a project
 * always runs against its own embedded mock, whatever PMM_SERVER_URL says.
 */
function pinnedMockArgs(project: TestProject): string[] | undefined {
  const raw = (project.config.env as Record<string, string | undefined> | undefined)?.PMMCONF_MOCK_ARGS;
  return raw === undefined ? undefined : raw.split(/\s+/).filter(Boolean);
}

/** The target has the mock's control API: GET /__mock/clock answers {now, unix}. */
async function hasControlApi(t: Target): Promise<boolean> {
  const res = await send(t, { path: '/__mock/clock' });
  if (res.status !== 200) return false;
  try {
    return typeof res.json<{ unix?: unknown }>().unix === 'number';
  } catch {
    return false;
  }
}

/** The environment naming `project`'s target: the process's, under the project's own `test.env`. */
function targetEnv(project: TestProject): NodeJS.ProcessEnv {
  return { ...process.env, ...(project.config.env as Record<string, string | undefined> | undefined) };
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const runId = `${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;
  const ledgerFile = join(tmpdir(), `pmmconf-${runId}.jsonl`);
  let child: ChildProcess | undefined;
  const pinned = pinnedMockArgs(project);
  const env = targetEnv(project);
  const fromEnv = pinned ? undefined : targetFromEnv(env);
  let base: Pick<Target, 'baseUrl' | 'ca' | 'insecure' | 'admin' | 'readOnly' | 'strict' | 'users'>;
  if (fromEnv) {
    base = { ...fromEnv, users: [] };
  } else {
    const password = randomBytes(12).toString('hex');
    const users = mockUsers(runId);
    const userArgs = users.flatMap((u) => ['--user', `${u.login}:${u.password}:${u.role}`]);
    const mock = await spawnMock(['--admin-password', password, ...userArgs, ...(pinned ?? [])]);
    child = mock.child;
    base = {
      baseUrl: mock.https,
      ca: readFileSync(mock.caFile, 'utf8'),
      insecure: false,
      admin: { login: 'admin', password },
      readOnly: false,
      strict: true,
      users,
    };
  }
  const draft: Target = {
    ...base,
    kind: 'real',
    embedded: child !== undefined,
    runId,
    profile: 'unknown',
    version: null,
    grafanaVersion: null,
    project: project.name,
    ledgerFile,
    pollSeconds: AUTH_CACHE_POLL_SECONDS,
  };
  let target: Target;
  try {
    // PMM_SUITE_AS_REAL=1 treats a mock as a real PMM (no control API): to see what a real run skips.
    const control = process.env.PMM_SUITE_AS_REAL === '1' ? false : await hasControlApi(draft);
    const kind = control ? 'mock' : 'real';
    target = {
      ...draft,
      kind,
      ...(await detectProfile(draft)),
      grafanaVersion: await detectGrafanaVersion(draft),
      pollSeconds: pollSecondsFor(kind, env),
    };
  } catch (e) {
    child?.kill('SIGTERM');
    throw e;
  }
  project.provide('target', target);
  const pollNote = target.pollSeconds === AUTH_CACHE_POLL_SECONDS ? '' : `, polls ${target.pollSeconds} s`;
  const mockNote = pinned
    ? `, mock ${pinned.join(' ') || 'pmm2'}${process.env.PMM_SERVER_URL ? '; PMM_SERVER_URL ignored: this project pins its mock' : ''}`
    : '';
  process.stdout.write(
    `pmm-auth-conformance: [${project.name}] target ${target.baseUrl} (${target.kind}${target.embedded ? ', embedded' : ''}${mockNote}, ${target.profile} ${target.version ?? ''}, Grafana ${target.grafanaVersion ?? '?'}${pollNote}), run ${runId}\n`,
  );

  const onSignal = (): void => {
    // vitest exits 1 ms after SIGINT/SIGTERM: the clean-up runs in a detached process that outlives it.
    const cleaner = spawn(process.execPath, ['--import', 'tsx', CLEANUP_CLI], {
      detached: true,
      stdio: 'inherit',
      env: { ...process.env, PMMCONF_TARGET: JSON.stringify(target) },
    });
    cleaner.unref();
    child?.kill('SIGTERM');
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  return async () => {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    closeAgents();
    await finishRun(target);
    child?.kill('SIGTERM');
  };
}
