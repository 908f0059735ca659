/**
 * The project's own tests on a machine without some optional client or Chromium (issue 11): a
 * test that needs one runs where it is installed; elsewhere it is skipped with a note naming the
 * tool and how to install it, which the summary reporter (scripts/summary-reporter.ts) and
 * `npm test` print once at the end. `PMMCONF_REQUIRE_TOOLS=1` (set by .ci/run) turns every such
 * absence into a failure, so that CI proves every client. The user-facing rule is separate: a
 * client named with `--only` or `--client` that cannot run fails pmm-auth-check itself.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'vitest';

/** How to get each optional tool on Debian (the machine .ci/run prepares). */
const INSTALL: Readonly<Record<string, string>> = {
  wget: 'apt-get install wget',
  'go-nethttp': 'apt-get install golang-go',
  'python-requests': 'apt-get install python3-requests',
  chromium: 'apt-get install chromium',
  curl: 'apt-get install curl',
  axios: 'npm ci',
  undici: 'npm ci',
  got: 'npm ci',
  'node-fetch': 'npm ci',
  superagent: 'npm ci',
  httpie: 'apt-get install httpie',
  'python-httpx': 'apt-get install python3-httpx',
  'python-urllib3': 'apt-get install python3-urllib3',
  'ruby-nethttp': 'apt-get install ruby',
  'perl-lwp': 'apt-get install libwww-perl liblwp-protocol-https-perl',
  'php-curl': 'apt-get install php-cli php-curl',
  'java-httpclient': 'apt-get install openjdk-17-jdk-headless',
  'ansible-uri': 'apt-get install ansible',
  'ansible-uri-basic': 'apt-get install ansible',
  'ansible-grafana-folder': 'apt-get install ansible',
};

export const REQUIRE_TOOLS = process.env.PMMCONF_REQUIRE_TOOLS === '1';

declare module 'vitest' {
  interface TaskMeta {
    /** Set on a test skipped because `name` is not installed here. */
    missingTool?: { name: string; install: string };
  }
}

/**
 * When `missing` (why the tool cannot run) is set and tools are not required: marks the test as
 * not run for want of `name` and skips it. Otherwise returns, and the test asserts as usual (so
 * with PMMCONF_REQUIRE_TOOLS=1 it fails on the absence, naming it).
 */
export function skipIfMissing(ctx: TestContext, name: string, missing: string | undefined): void {
  if (missing === undefined || REQUIRE_TOOLS) return;
  const install = INSTALL[name] ?? 'see fixtures/clients/PROTOCOL.md';
  ctx.task.meta.missingTool = { name, install };
  ctx.skip(`${name} is not installed here (${missing}); ${install}, or set PMMCONF_REQUIRE_TOOLS=1 to fail`);
}

/**
 * A home for one Chromium run: its profile, disk cache and crash reports in a temporary directory
 * (Chromium otherwise keeps `~/.config/chromium` and a `scoped_dir…` per run under
 * `~/.cache/chromium-headless`, even with a temporary profile). `remove()` when the browser is gone.
 */
export function chromiumHome(): { env: NodeJS.ProcessEnv; profile: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'pmmconf-chromium-'));
  return {
    env: { ...process.env, HOME: dir, XDG_CONFIG_HOME: join(dir, 'config'), XDG_CACHE_HOME: join(dir, 'cache') },
    profile: join(dir, 'profile'),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
