/** What `pmm-auth-mock` prints when ready: the JSON ready line, or the human banner with the seed's curl commands. */
import type { RunningMock } from '../mock/options.ts';
import type { Profile } from '../mock/profiles/types.ts';
import { exportLine } from './lib/catalogue.ts';

export function readyLine(m: RunningMock): string {
  const line: Record<string, unknown> = {
    ready: true,
    https: m.httpsUrl,
    http: m.httpUrl,
    caFile: m.caFile,
    keys: m.keys,
    // A scenario (issue 13): which one, and its users' generated passwords, shown once like the keys.
    ...(m.scenario ? { scenario: { id: m.scenario.id, title: m.scenario.title }, passwords: m.passwords } : {}),
    // Who to signal: under npm or npx the process a user started is not the mock.
    pid: process.pid,
  };
  if (m.personalitySet && Object.keys(m.personalities).length > 0) {
    line.personalities = Object.fromEntries(Object.entries(m.personalities).map(([name, p]) => [name, p.url]));
    // The self-signed personality is its own CA: report its certificate too.
    const selfSigned = m.personalitySet.personalities.get('self-signed');
    if (selfSigned && 'self-signed' in m.personalities) line.selfSignedCert = selfSigned.certFile;
  }
  return JSON.stringify(line);
}

/** Quotes a word for a POSIX shell when it needs it. */
export function shellQuote(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replaceAll("'", `'\\''`)}'`;
}

/** A service-account token (grafana-auth §2.2) rather than a legacy key. */
const isToken = (key: string): boolean => key.startsWith('glsa_');

/**
 * The two requests of PMM's API-key page (shared/seeds/pmm-api-keys.txt) against this mock, in
 * the profile's words (PMM 3: /v1/server/version, `service_token:` for a token): Bearer header
 * trusting the mock's certificate, and the key as URL basic auth with `-k`. The key is
 * percent-encoded in the URL (base64 may hold `/`, `+` and `=`).
 */
export function seedCurlCommands(m: RunningMock, key: string, profile: Profile): [string, string] {
  const url = new URL(m.httpsUrl);
  const basicHost = url.hostname === '127.0.0.1' ? 'localhost' : url.hostname;
  const { versionPath, tokenBasicUser } = profile.docsRequests;
  const user = key === '$TOKEN' || isToken(key) ? tokenBasicUser : 'api_key';
  const userinfo = key === '$TOKEN' ? `${user}:$TOKEN` : `${user}:${encodeURIComponent(key)}`;
  const basicUrl = `https://${userinfo}@${basicHost}:${url.port}${versionPath}`;
  return [
    `curl --cacert ${shellQuote(m.caFile)} -H "Authorization: Bearer ${key}" ${m.httpsUrl}${versionPath}`,
    `curl -k -X GET ${key === '$TOKEN' ? `"${basicUrl}"` : shellQuote(basicUrl)}`,
  ];
}

/** With no seed: how to get a key or a token as admin on this profile, then the two requests with `$TOKEN`. */
function howToSeed(m: RunningMock, profile: Profile, adminPassword: string): string[] {
  const auth = `-u ${shellQuote(`admin:${adminPassword}`)} --cacert ${shellQuote(m.caFile)} -H 'Content-Type: application/json'`;
  if (!profile.serviceAccounts) {
    return [
      '',
      'No key seeded: create one with POST /graph/api/auth/keys as admin, or start with --seed-key NAME:ROLE.',
    ];
  }
  const [bearer, basic] = seedCurlCommands(m, '$TOKEN', profile);
  return [
    '',
    'No token seeded: start with --seed-token NAME:ROLE, or create a service account and a token as admin:',
    `  ID=$(curl -s ${auth} -d '{"name":"demo","role":"Admin"}' ${m.httpsUrl}/graph/api/serviceaccounts | sed 's/^{"id":\\([0-9]*\\).*/\\1/')`,
    `  TOKEN=$(curl -s ${auth} -d '{"name":"demo"}' ${m.httpsUrl}/graph/api/serviceaccounts/$ID/tokens | sed 's/.*"key":"\\([^"]*\\)".*/\\1/')`,
    '',
    "PMM docs' two requests, PMM 3 style:",
    `  ${bearer}`,
    `  ${basic}`,
  ];
}

export function banner(m: RunningMock, profile: Profile, opts: { adminPassword: string; certNote: string }): string {
  const lines = [
    `pmm-auth-mock: ${profile.title} — a mock, not a real PMM`,
    `  HTTPS        ${m.httpsUrl}`,
    `  HTTP         ${m.httpUrl ?? '(off)'}`,
    `  certificate  ${m.certificate.certFile}  (${opts.certNote})`,
    ...Object.entries(m.personalities).map(([name, p]) => `  personality  ${p.url}  ${name}`),
    `  admin        admin / ${opts.adminPassword}  (Grafana server admin)`,
    // Issue 17: the docs' UI steps (README "The key UI").
    `  key UI       ${m.httpsUrl}/graph/login  (log in as admin; ${profile.serviceAccounts ? 'Administration → Users and access → Service accounts' : 'Configuration → API keys'})`,
    `  control API  ${m.httpsUrl}/__mock/requests  (mock only, not part of PMM; see README)`,
  ];
  if (m.scenario) {
    lines.push(`  scenario     ${m.scenario.id} — ${m.scenario.title}`, `               ${m.scenario.symptom}`);
    for (const [login, password] of Object.entries(m.passwords))
      lines.push(`  user         ${login} / ${password}  (scenario user, shown once)`);
  }
  const entries = Object.entries(m.keys);
  for (const [name, key] of entries) {
    const what = isToken(key) ? `Service account "${name}", token "${name}"` : `API key "${name}"`;
    lines.push('', `${what} (shown once, as Grafana does):`, `  ${key}`);
  }
  // A token shows the PMM 3 way (Bearer glsa_…, service_token:); otherwise the first key.
  const first = entries.find(([, key]) => isToken(key)) ?? entries[0];
  if (first) {
    const [bearer, basic] = seedCurlCommands(m, first[1], profile);
    lines.push('', "PMM docs' two requests, ready to paste:", `  ${bearer}`, `  ${basic}`);
  } else {
    lines.push(...howToSeed(m, profile, opts.adminPassword));
  }
  if (m.scenario) {
    const ready = { https: m.httpsUrl, http: m.httpUrl, caFile: m.caFile, keys: m.keys, passwords: m.passwords };
    lines.push('', `The scenario's commands (README "Reproduce a bug") use these variables:`, `  ${exportLine(ready)}`);
  }
  lines.push('', `Ctrl-C stops the mock (PID ${process.pid}).`);
  return `${lines.join('\n')}\n`;
}
