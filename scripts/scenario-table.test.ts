/**
 * Issue 13: the README's scenario catalogue is generated from fixtures/scenarios/*.json
 * (`npm run docs:scenarios`) and must not drift; its commands quote for a POSIX shell.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { shellArg, shellEnv } from './lib/catalogue.ts';
import { BEGIN, END, README, currentCatalogue, linkText, withCatalogue } from './scenario-table.ts';

describe('the README catalogue', () => {
  it('is what npm run docs:scenarios writes from the files (run it after changing a scenario)', () => {
    const readme = readFileSync(README, 'utf8');
    expect(
      withCatalogue(readme, currentCatalogue()) === readme,
      'README.md is out of date: npm run docs:scenarios',
    ).toBe(true);
  });

  it('names every catalogue file in its table', () => {
    const part = currentCatalogue();
    for (const id of ['b1-key-creation-410', 'b2-duplicate-name-500', 'b17-auth-cache'])
      expect(part).toContain(`| [\`${id}\`](#${id}) |`);
  });

  it('replaces only what is between the markers; a missing marker is one error line', () => {
    const doc = `intro\n${BEGIN}\nstale table\n${END}\noutro\n`;
    expect(withCatalogue(doc, 'TABLE')).toBe(`intro\n${BEGIN}\n\nTABLE\n${END}\noutro\n`);
    expect(withCatalogue(doc, 'TABLE')).not.toBe(doc);
    expect(() => withCatalogue('no markers', 'x')).toThrow(/^README\.md: the markers .* are missing$/);
  });

  it('shortens sources to owner/repo#N', () => {
    expect(linkText('https://github.com/grafana/grafana/pull/17905')).toBe('grafana/grafana#17905');
    expect(linkText('https://github.com/percona/pmm/blob/v2.41.0/managed/x/auth_server.go')).toBe(
      'percona/pmm auth_server.go',
    );
  });
});

describe('shell quoting of the commands', () => {
  it('sh reads each argument back as the filled placeholder text', () => {
    const ready = {
      https: 'https://127.0.0.1:8443',
      http: null,
      caFile: '/tmp/with space/ca.crt',
      keys: { 'legacy-admin': 'eyJr+/=' },
      passwords: { ops: `p'a"$s\`!` },
    };
    const args = [
      '${https}/v1/x?a=1&b=2',
      'Authorization: Bearer ${key:legacy-admin}',
      'ops:${password:ops}',
      '${ca}',
      `{"name":"it's"}`,
      'say "$HOME" ${key:legacy-admin}!',
    ];
    const script = `printf '%s\\n' ${args.map(shellArg).join(' ')}`;
    const out = execFileSync('sh', ['-c', script], { env: { ...shellEnv(ready), HOME: '/nowhere' } }).toString();
    expect(out.split('\n').slice(0, -1)).toEqual([
      'https://127.0.0.1:8443/v1/x?a=1&b=2',
      'Authorization: Bearer eyJr+/=',
      `ops:p'a"$s\`!`,
      '/tmp/with space/ca.crt',
      `{"name":"it's"}`,
      'say "$HOME" eyJr+/=!',
    ]);
  });
});
