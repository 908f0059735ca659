/**
 * A mock started separately (`--mock-url`), driven like one the harness starts: its profile and
 * listeners read from the mock itself, its CA the test root CA unless given (`--mock-ca`).
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { prepare, type HarnessMock } from './harness-mock.ts';
import { jsonOf, mockHttp } from './mock-http.ts';
import { HARNESS_PROFILES } from './profiles.ts';

/** The test root CA of a mock started with `--tls` and its default `--cert-dir`. */
export const DEFAULT_MOCK_CA = fileURLToPath(
  new URL('../../fixtures/tls/generated/personalities/root-ca.crt', import.meta.url),
);

export interface ExternalMock {
  readonly url: string;
  /** The CA that verifies the mock's listeners (default: the test root CA in fixtures/tls/generated/). */
  readonly caFile?: string;
  readonly adminPassword: string;
}

/** A mock started separately: its profile from `GET /__mock/routes`, its listeners from `GET /__mock/listeners`. */
export async function connectHarnessMock(ext: ExternalMock): Promise<HarnessMock> {
  const caFile = ext.caFile ?? DEFAULT_MOCK_CA;
  if (!existsSync(caFile))
    throw new Error(`--mock-ca ${caFile}: no such file (the CA that verifies the mock at ${ext.url})`);
  const http = mockHttp(ext.url, readFileSync(caFile, 'utf8'));
  try {
    const routes = await http.call('GET', '/__mock/routes');
    if (routes.status !== 200)
      throw new Error(`--mock-url ${ext.url}: GET /__mock/routes answered ${routes.status}; is it a pmm-auth-mock?`);
    const name = jsonOf<{ profile?: unknown }>(routes, `GET ${ext.url}/__mock/routes`).profile;
    const profile = Object.values(HARNESS_PROFILES).find((p) => p.mockProfile === name);
    if (!profile)
      throw new Error(
        `--mock-url ${ext.url}: the mock's profile "${String(name)}" is none of ${Object.values(HARNESS_PROFILES)
          .map((p) => p.mockProfile)
          .join(', ')}`,
      );
    const listeners = await http.call('GET', '/__mock/listeners');
    if (listeners.status !== 200)
      throw new Error(`--mock-url ${ext.url}: GET /__mock/listeners answered ${listeners.status}`);
    const personalities =
      jsonOf<{ personalities?: Record<string, string> }>(listeners, `GET ${ext.url}/__mock/listeners`).personalities ??
      {};
    return await prepare(
      { http, profile, adminPassword: ext.adminPassword },
      personalities,
      caFile,
      async () => undefined,
    );
  } catch (e) {
    http.close();
    throw e;
  }
}
