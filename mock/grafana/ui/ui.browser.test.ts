/**
 * Issue 17 in a real browser: Debian's Chromium, driven headless by playwright-core (no browser
 * download), walks PMM's docs (seeds/pmm-api-keys.txt steps 1–6) against the real mock over
 * HTTPS, then runs the docs' two curl commands with the key it read from the "API Key Created"
 * window; the same for PMM 3's service-account flow. One browser and one page for the file, its
 * cookies cleared for each flow (browser-kit.ts). Screenshots of each step go to reports/ui/.
 *
 * The contexts set `ignoreHTTPSErrors`: Chromium takes its trusted CAs from an NSS database
 * (certutil, a package of its own), and what is tested here is the UI, not certificate checks
 * (those are mock/tls/ and the client harness). curl trusts the mock's certificate (`--cacert`)
 * for the first command and skips the check (`-k`) for the second, as the docs do.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pmm3 } from '../../profiles/pmm3.ts';
import { ADMIN_PASSWORD, basic, startTestMock, type TestMock } from '../../testing/harness.ts';
import { KEY_ONCE_WARNING, TTL_INVALID, TTL_TOOLTIP } from './apikeys.ts';
import { BrowserSession, curl, docsCurl, logIn, shot, signIn } from './browser-kit.ts';

let session: BrowserSession;
let pmm2Mock: TestMock;
let pmm3Mock: TestMock;

beforeAll(async () => {
  [pmm2Mock, pmm3Mock, session] = await Promise.all([
    startTestMock(),
    startTestMock({ profile: pmm3 }),
    BrowserSession.open(),
  ]);
}, 60_000);
afterAll(async () => {
  await session?.close();
  await Promise.all([pmm2Mock?.close(), pmm3Mock?.close()]);
});

describe('PMM 2: the docs steps 1–6 in Chromium, then the docs curl commands with the key', () => {
  let key = '';
  /** The created window's example command (Grafana's text). */
  let example = '';

  it('issue 17: log in → Configuration → API keys → Add API Key → name, role, TTL 1d → Add → the key from "API Key Created"', async (ctx) => {
    const page = await session.signedOutPage(ctx);
    await signIn(page, pmm2Mock);
    await shot(page, '01-pmm2-signed-in');
    // Step 2: from the side menu, Configuration → API keys.
    await page.getByRole('navigation', { name: 'Side menu' }).getByRole('link', { name: 'Configuration' }).hover();
    await shot(page, '02-pmm2-menu-configuration');
    await page.getByRole('link', { name: 'API keys' }).first().click();
    await page.waitForURL('**/graph/org/apikeys');
    await expect.poll(() => page.getByRole('row').count()).toBeGreaterThan(1);
    await shot(page, '03-pmm2-api-keys');
    // Steps 3–4: Add API Key opens the form.
    await page.getByRole('button', { name: 'Add API key' }).click();
    await expect.poll(() => page.getByText('Add API Key', { exact: true }).isVisible()).toBe(true);
    // Step 5: key name, role from the drop-down, time to live (hover the tooltip), Add.
    await page.getByLabel('Key name').fill('docs-ui-key');
    await page.getByLabel('Role').selectOption('Editor');
    await page.getByLabel('Time to live help').hover();
    await expect.poll(() => page.getByRole('tooltip').textContent()).toBe(TTL_TOOLTIP);
    await page.locator('#time-to-live-input').fill('1d');
    await shot(page, '04-pmm2-add-api-key');
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    // Step 6: the "API Key Created" window shows the key once; Copy puts it on the clipboard.
    const dialog = page.getByRole('dialog', { name: 'API Key Created' });
    await expect.poll(() => dialog.isVisible()).toBe(true);
    expect(await dialog.textContent()).toContain(KEY_ONCE_WARNING);
    key = await dialog.getByLabel('Key').inputValue();
    example = (await dialog.locator('pre').textContent()) ?? '';
    await shot(page, '05-pmm2-api-key-created');
    await dialog.getByRole('button', { name: 'Copy' }).click();
    expect(await page.evaluate('navigator.clipboard.readText()')).toBe(key);
    await dialog.getByRole('button', { name: 'Close dialog' }).click();
    await expect.poll(() => page.getByRole('row', { name: /docs-ui-key Editor/ }).count()).toBe(1);

    // A key made in the UI is a key made by the API: the same shape, role and TTL (grafana-auth §2.1, grafana-auth §1.5).
    expect(JSON.parse(Buffer.from(key, 'base64').toString())).toEqual({
      k: expect.stringMatching(/^[0-9A-Za-z]{32}$/),
      n: 'docs-ui-key',
      id: 1,
    });
    const listed = await pmm2Mock
      .https()
      .get('/graph/api/auth/keys')
      .set('Authorization', basic('admin', ADMIN_PASSWORD));
    const row = (listed.body as { name: string; role: string; expiration?: string }[]).find(
      (k) => k.name === 'docs-ui-key',
    )!;
    expect(row.role).toBe('Editor');
    expect(Math.abs(Date.parse(row.expiration!) - (Date.now() + 86_400_000))).toBeLessThan(60_000);
    // The browser's requests were a session, never a key in the journal.
    const journal = pmm2Mock.mock.journal
      .list()
      .filter((e) => e.method === 'POST' && e.path === '/graph/api/auth/keys');
    expect(journal.map((e) => [e.credential.kind, e.status])).toEqual([['session', 200]]);
  }, 60_000);

  it('issue 17: the docs curl commands (Bearer with --cacert, api_key: user info with -k) answer with that key', async (ctx) => {
    session.need(ctx);
    expect(key).not.toBe('');
    const answers = await docsCurl(ctx, pmm2Mock, key, '/v1/version', 'api_key');
    for (const a of answers) expect(a).toMatchObject({ code: 0, body: { version: '2.41.0' } });
  });

  it("issue 17: the created window's example command, run as shown (with --cacert), answers 200 with the home dashboard", async (ctx) => {
    session.need(ctx);
    const m = /^curl -H "Authorization: Bearer (\S+)" (https:\/\/\S+\/graph\/api\/dashboards\/home)$/.exec(
      example.trim(),
    );
    expect(m?.[1], example).toBe(key);
    const r = await curl(ctx, [
      '-sS',
      '--cacert',
      pmm2Mock.mock.caFile,
      '-w',
      '\n%{http_code}',
      '-H',
      `Authorization: Bearer ${m![1]}`,
      m![2]!,
    ]);
    const [body, status] = [
      r.stdout.slice(0, r.stdout.lastIndexOf('\n')),
      r.stdout.slice(r.stdout.lastIndexOf('\n') + 1),
    ];
    expect({ code: r.code, status }).toEqual({ code: 0, status: '200' });
    expect(JSON.parse(body)).toMatchObject({ meta: { isHome: true, canEdit: true } });
  });

  it("issue 17: bad TTL text, empty name and a duplicate name show Grafana's messages; delete asks first", async (ctx) => {
    session.need(ctx);
    expect(key).not.toBe('');
    const page = session.currentPage()!;
    await page.getByRole('button', { name: 'Add API key' }).click();
    const ttl = page.locator('#time-to-live-input');
    await page.getByLabel('Key name').fill('bad-ttl');
    await ttl.fill('tomorrow');
    await ttl.blur();
    await expect.poll(() => page.locator('#ttl-error').textContent()).toBe(TTL_INVALID);
    await shot(page, '06-pmm2-not-a-valid-duration');
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    expect(pmm2Mock.mock.store.keyByName(1, 'bad-ttl')).toBeUndefined();
    // grafana-auth §1.3 step 1: an empty name is a bind error; the toast shows the answer's message.
    await ttl.fill('');
    await page.getByLabel('Key name').fill('');
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    await expect.poll(() => page.getByRole('alert').filter({ hasText: 'bad request data' }).count()).toBe(1);
    // grafana-auth §1.3 step 6: the same name again → 409.
    await page.getByLabel('Key name').fill('docs-ui-key');
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    const unique = page.getByRole('alert').filter({ hasText: 'API key, organization ID and name must be unique' });
    await expect.poll(() => unique.count()).toBe(1);
    await shot(page, '07-pmm2-duplicate-name');
    // Delete: the × asks, "Delete" deletes (grafana-auth §1.6).
    await page.getByRole('button', { name: 'Delete API key docs-ui-key' }).click();
    await page
      .getByRole('row', { name: /docs-ui-key/ })
      .getByRole('button', { name: 'Delete', exact: true })
      .click();
    await expect.poll(() => page.getByRole('row', { name: /docs-ui-key/ }).count()).toBe(0);
    expect(pmm2Mock.mock.store.keyByName(1, 'docs-ui-key')).toBeUndefined();
  }, 30_000);

  it('issue 17: a wrong password shows "Login failed"; a Viewer sees no Configuration menu and no Add button', async (ctx) => {
    const viewer = await session.signedOutPage(ctx);
    await logIn(viewer, pmm2Mock, 'viewer', 'not-the-password');
    await expect.poll(() => viewer.getByRole('alert').textContent()).toBe('Login failedInvalid username or password');
    await shot(viewer, '08-pmm2-login-failed');
    await viewer.getByLabel('Password').fill('viewer-pw');
    await viewer.getByRole('button', { name: 'Log in' }).click();
    await viewer.waitForURL('**/graph/');
    expect(await viewer.getByRole('link', { name: 'Configuration' }).count()).toBe(0);
    await viewer.goto(`${pmm2Mock.mock.httpsUrl}/graph/org/apikeys`);
    await expect.poll(() => viewer.locator('#denied').textContent()).toContain('Permissions needed: apikeys:read');
    expect(await viewer.getByRole('button', { name: /API key/ }).count()).toBe(0);
    await shot(viewer, '09-pmm2-viewer');
  }, 30_000);
});

describe('PMM 3: Administration → Users and access → Service accounts → account → token, then curl', () => {
  let token = '';

  it('issue 17: add a service account (name, role) and a token without expiry; the token is shown once with Copy', async (ctx) => {
    const page = await session.signedOutPage(ctx);
    await signIn(page, pmm3Mock);
    const menu = page.getByRole('navigation', { name: 'Side menu' });
    await menu.getByText('Administration', { exact: true }).click();
    await menu.getByText('Users and access', { exact: true }).click();
    await shot(page, '10-pmm3-menu-administration');
    await menu.getByRole('link', { name: 'Service accounts' }).click();
    await page.waitForURL('**/graph/org/serviceaccounts');
    await page.getByRole('link', { name: 'Add service account' }).click();
    await page.getByLabel('Display name').fill('docs-ui-sa');
    await page.getByLabel('Role').selectOption('Editor');
    await shot(page, '11-pmm3-create-service-account');
    await page.getByRole('button', { name: 'Create' }).click();
    await page.waitForURL(/\/graph\/org\/serviceaccounts\/\d+$/);
    await expect.poll(() => page.locator('#title').textContent()).toBe('docs-ui-sa');
    await page.getByRole('button', { name: 'Add service account token' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Display name').fill('docs-ui-token');
    expect(await dialog.getByLabel('No expiration').isChecked()).toBe(true);
    await shot(page, '12-pmm3-add-token');
    await dialog.getByRole('button', { name: 'Generate token' }).click();
    await expect.poll(() => dialog.getByRole('heading').textContent()).toBe('Service account token created');
    token = await dialog.getByLabel('Token').inputValue();
    expect(token).toMatch(/^glsa_[0-9A-Za-z]{32}_[0-9a-f]{8}$/);
    await shot(page, '13-pmm3-token-created');
    await dialog.getByRole('button', { name: 'Copy to clipboard and close' }).click();
    expect(await page.evaluate('navigator.clipboard.readText()')).toBe(token);
    await expect.poll(() => page.getByRole('row', { name: /docs-ui-token/ }).textContent()).toContain('Never');

    // With a date: the token expires then (grafana-auth §4; the account's tokens list it).
    await page.getByRole('button', { name: 'Add service account token' }).click();
    await dialog.getByLabel('Display name').fill('docs-ui-dated');
    await dialog.getByText('Set expiration date').click();
    expect(await dialog.getByRole('button', { name: 'Generate token' }).isDisabled()).toBe(true);
    const inTwoDays = new Date(Date.now() + 2 * 86_400_000);
    const date = `${inTwoDays.getFullYear()}-${String(inTwoDays.getMonth() + 1).padStart(2, '0')}-${String(inTwoDays.getDate()).padStart(2, '0')}`;
    await dialog.getByLabel('Expiration date', { exact: true }).fill(date);
    await dialog.getByRole('button', { name: 'Generate token' }).click();
    await expect.poll(() => dialog.getByRole('heading').textContent()).toBe('Service account token created');
    const sa = pmm3Mock.mock.store.serviceAccountsOfOrg(1).find((s) => s.name === 'docs-ui-sa')!;
    expect(sa.role).toBe('Editor');
    const dated = pmm3Mock.mock.store.tokensOf(sa.id).find((k) => k.name === 'docs-ui-dated')!;
    expect(dated.expires! * 1000).toBeGreaterThan(Date.now() + 86_400_000);
    expect(dated.expires! * 1000).toBeLessThanOrEqual(Date.now() + 2 * 86_400_000);
  }, 60_000);

  it('issue 17: the docs curl commands (Bearer, service_token: user info) answer with that token on /v1/server/version', async (ctx) => {
    session.need(ctx);
    expect(token).not.toBe('');
    const answers = await docsCurl(ctx, pmm3Mock, token, '/v1/server/version', 'service_token');
    for (const a of answers) expect(a).toMatchObject({ code: 0, body: { version: expect.stringMatching(/^3\./) } });
  });
});
