/**
 * What the key UI's browser test (ui.browser.test.ts) drives: one headless Chromium (Debian's, through
 * playwright-core) with a home of its own and one page reused from test to test, the docs' login step,
 * screenshots, and the real curl the docs' commands run with.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { expect, type TestContext } from 'vitest';
import { chromiumHome, skipIfMissing } from '../../../suites/client/installed.ts';
import { ADMIN_PASSWORD, type TestMock } from '../../testing/harness.ts';
import { run } from '../../testing/run.ts';

const CHROMIUM = process.env.PMMCONF_CHROMIUM ?? '/usr/bin/chromium';
const SHOTS = fileURLToPath(new URL('../../../reports/ui/', import.meta.url));
const CURL = '/usr/bin/curl';

/** Why the browser cannot run here (undefined when it can). */
const chromiumMissing = existsSync(CHROMIUM) ? undefined : `${CHROMIUM} does not exist`;
const curlMissing = existsSync(CURL) ? undefined : `${CURL} does not exist`;

/** The file's browser (absent without Chromium) and its one page. */
export class BrowserSession {
  private context: BrowserContext | undefined;
  private page: Page | undefined;

  private constructor(
    private readonly browser: Browser | undefined,
    private readonly home: ReturnType<typeof chromiumHome> | undefined,
  ) {}

  static async open(): Promise<BrowserSession> {
    mkdirSync(SHOTS, { recursive: true });
    if (chromiumMissing) return new BrowserSession(undefined, undefined);
    // Playwright gives the browser a fresh user-data directory under TMPDIR and removes it on close;
    // the rest of what Chromium writes goes to a home of its own (chromiumHome), removed after it.
    const home = chromiumHome();
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      env: home.env,
      headless: true,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    return new BrowserSession(browser, home);
  }

  /** The browser, or the test is skipped (PMMCONF_REQUIRE_TOOLS=1: fails) for want of Chromium. */
  need(ctx: TestContext): Browser {
    skipIfMissing(ctx, 'chromium', chromiumMissing);
    expect(this.browser, `chromium: ${chromiumMissing}`).toBeDefined();
    return this.browser!;
  }

  /**
   * The file's one page, signed out: its cookies cleared (a context and a page cost a second each on
   * two cores; the two mocks share the host 127.0.0.1, and cookies do not tell ports apart anyway).
   */
  async signedOutPage(ctx: TestContext): Promise<Page> {
    const b = this.need(ctx);
    if (!this.context) {
      this.context = await b.newContext({
        ignoreHTTPSErrors: true,
        viewport: { width: 1000, height: 600 },
        permissions: ['clipboard-read', 'clipboard-write'],
      });
      this.page = await this.context.newPage();
    }
    await this.context.clearCookies();
    return this.page!;
  }

  /** The page as the last test left it (signed in, or undefined before the first page). */
  currentPage(): Page | undefined {
    return this.context?.pages()[0];
  }

  async close(): Promise<void> {
    await this.context?.close();
    await this.browser?.close();
    this.home?.remove();
  }
}

export const shot = (page: Page, name: string) => page.screenshot({ path: `${SHOTS}${name}.png` });

/** Docs step 1: the login form, as a person fills it in. */
export async function logIn(page: Page, t: TestMock, login: string, password: string): Promise<void> {
  await page.goto(`${t.mock.httpsUrl}/graph/`);
  await expect.poll(() => new URL(page.url()).pathname).toBe('/graph/login');
  await page.getByLabel('Email or username').fill(login);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
}

/** Step 1 done: signed in, on the home page. */
export async function signIn(page: Page, t: TestMock): Promise<void> {
  await logIn(page, t, 'admin', ADMIN_PASSWORD);
  await page.waitForURL('**/graph/');
}

/** The real curl with `args`, or the test is skipped (PMMCONF_REQUIRE_TOOLS=1: fails) for want of it. */
export function curl(ctx: TestContext, args: string[]) {
  skipIfMissing(ctx, 'curl', curlMissing);
  return run(CURL, args);
}

/** The docs' two requests (seeds/pmm-api-keys.txt "Authenticate", "Use an API key in basic auth") with real curl. */
export async function docsCurl(ctx: TestContext, t: TestMock, key: string, path: string, keyUser: string) {
  const port = t.mock.httpsPort;
  const bearer = await curl(ctx, [
    '-sS',
    '--cacert',
    t.mock.caFile,
    '-H',
    `Authorization: Bearer ${key}`,
    `https://127.0.0.1:${port}${path}`,
  ]);
  const userInfo = await curl(ctx, [
    '-sS',
    '-k',
    '-X',
    'GET',
    `https://${keyUser}:${encodeURIComponent(key)}@localhost:${port}${path}`,
  ]);
  return [bearer, userInfo].map((r) => ({
    code: r.code,
    body: JSON.parse(r.stdout || 'null') as { version?: string },
  }));
}
