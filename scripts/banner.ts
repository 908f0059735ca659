/** What `pmm-auth-mock` prints when ready: the JSON ready line, or the human banner with the seed's curl commands. */
import type { RunningMock } from '../mock/server.ts';
import type { Profile } from '../mock/profiles/types.ts';

export function readyLine(m: RunningMock): string {
  const line: Record<string, unknown> = { ready: true, https: m.httpsUrl, http: m.httpUrl, caFile: m.caFile, keys: m.keys };
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

/**
 * The two requests of PMM's API-key page (shared/seeds/pmm-api-keys.txt) against this mock:
 * Bearer header trusting the mock's certificate, and the key as URL basic auth with `-k`.
 * The key is percent-encoded in the URL (base64 may hold `/`, `+` and `=`).
 */
export function seedCurlCommands(m: RunningMock, key: string): [string, string] {
  const url = new URL(m.httpsUrl);
  const basicHost = url.hostname === '127.0.0.1' ? 'localhost' : url.hostname;
  return [
    `curl --cacert ${shellQuote(m.caFile)} -H "Authorization: Bearer ${key}" ${m.httpsUrl}/v1/version`,
    `curl -k -X GET ${shellQuote(`https://api_key:${encodeURIComponent(key)}@${basicHost}:${url.port}/v1/version`)}`,
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
    `  control API  ${m.httpsUrl}/__mock/requests  (mock only, not part of PMM; see README)`,
  ];
  const entries = Object.entries(m.keys);
  for (const [name, key] of entries) lines.push('', `API key "${name}" (shown once, as Grafana does):`, `  ${key}`);
  const first = entries[0];
  if (first) {
    const [bearer, basic] = seedCurlCommands(m, first[1]);
    lines.push('', "PMM docs' two requests, ready to paste:", `  ${bearer}`, `  ${basic}`);
  } else {
    lines.push('', 'No key seeded: create one with POST /graph/api/auth/keys as admin, or start with --seed-key NAME:ROLE.');
  }
  lines.push('', 'Ctrl-C stops the mock.');
  return `${lines.join('\n')}\n`;
}
