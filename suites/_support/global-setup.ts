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
import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';
import { closeAgents } from './http.ts';
import { spawnMock } from './spawn-mock.ts';
import { finishRun } from './cleanup.ts';
import { detectTarget, refusal } from './detect.ts';
import { AUTH_CACHE_POLL_SECONDS, targetFromEnv, type SuiteUser, type Target } from './target.ts';

const CLEANUP_CLI = fileURLToPath(new URL('./cleanup-cli.ts', import.meta.url));

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

/** A target that cannot be tested is refused with one line first (detect.ts), before vitest's report of the error. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  try {
    return await start(project);
  } catch (e) {
    throw refusal(e);
  }
}

/** The environment naming `project`'s target: the process's, under the project's own `test.env`. */
function targetEnv(project: TestProject): NodeJS.ProcessEnv {
  return { ...process.env, ...(project.config.env as Record<string, string | undefined> | undefined) };
}

async function start(project: TestProject): Promise<() => Promise<void>> {
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
  let target: Target;
  try {
    target = {
      ...base,
      embedded: child !== undefined,
      runId,
      project: project.name,
      ledgerFile,
      // A target that cannot be tested (not PMM, unreachable, admin refused) is refused here.
      ...(await detectTarget(base, env)),
    };
  } catch (e) {
    child?.kill('SIGTERM');
    closeAgents();
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
    if (child) {
      // An embedded mock's keys end with it: nothing to delete.
      child.kill('SIGTERM');
      rmSync(ledgerFile, { force: true });
      return;
    }
    // vitest exits 1 ms after SIGINT/SIGTERM: the clean-up runs in a detached process that outlives it.
    const cleaner = spawn(process.execPath, ['--import', 'tsx', CLEANUP_CLI], {
      detached: true,
      stdio: 'inherit',
      env: { ...process.env, PMMCONF_TARGET: JSON.stringify(target) },
    });
    cleaner.unref();
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
