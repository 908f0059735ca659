/** Unit tests of the auth layer's rule table and prefix walk (pmm-auth §2.1). */
import { describe, expect, it } from 'vitest';
import { pmm2 } from '../profiles/pmm2.ts';
import type { AuthRule, PmmRole } from '../profiles/types.ts';
import { nextPrefix, roleAtLeast, RuleTable } from './rules.ts';

/** pmm-auth §2.1, table "2.41 (AS-241)", transcribed from the reference (not from pmm2.ts). */
const REFERENCE_2_41: readonly AuthRule[] = [
  ['/agent.Agent/Connect', 'none'],
  ['/inventory.', 'admin'],
  ['/management.', 'admin'],
  ['/management.Actions/', 'viewer'],
  ['/server.Server/CheckUpdates', 'viewer'],
  ['/server.Server/UpdateStatus', 'none'],
  ['/server.Server/AWSInstanceCheck', 'none'],
  ['/server.', 'admin'],
  ['/v1/inventory/', 'admin'],
  ['/v1/inventory/Services/ListTypes', 'viewer'],
  ['/v1/management/', 'admin'],
  ['/v1/management/Actions/', 'viewer'],
  ['/v1/management/Jobs', 'viewer'],
  ['/v1/management/Role', 'admin'],
  ['/v1/Updates/Check', 'viewer'],
  ['/v1/Updates/Status', 'none'],
  ['/v1/AWSInstanceCheck', 'none'],
  ['/v1/Updates/', 'admin'],
  ['/v1/Settings/', 'admin'],
  ['/v1/Platform/Connect', 'admin'],
  ['/v1/Platform/Disconnect', 'admin'],
  ['/v1/Platform/SearchOrganizationTickets', 'viewer'],
  ['/v1/Platform/SearchOrganizationEntitlements', 'viewer'],
  ['/v1/Platform/GetContactInformation', 'viewer'],
  ['/v1/Platform/ServerInfo', 'viewer'],
  ['/v1/Platform/UserStatus', 'viewer'],
  ['/v1/user', 'viewer'],
  ['/v1/readyz', 'none'],
  ['/v1/leaderHealthCheck', 'none'],
  ['/ping', 'none'],
  ['/v1/version', 'viewer'],
  ['/managed/v1/version', 'viewer'],
  ['/v0/qan/', 'viewer'],
  ['/prometheus', 'admin'],
  ['/victoriametrics', 'admin'],
  ['/alertmanager', 'admin'],
  ['/graph', 'none'],
  ['/swagger', 'none'],
  ['/logs.zip', 'admin'],
];

const table = new RuleTable(pmm2.rules);

/** A path strictly under a prefix: prefixes match only at a '/' or '.' boundary. */
function under(prefix: string): string {
  return /[/.]$/.test(prefix) ? `${prefix}Sub/Leaf` : `${prefix}/Sub/Leaf`;
}

describe('nextPrefix', () => {
  it('pmm-auth §2.1: /inventory.Nodes/ListNodes walks to / cutting at "/" and "."', () => {
    const chain = ['/inventory.Nodes/ListNodes'];
    while (chain[chain.length - 1] !== '/') chain.push(nextPrefix(chain[chain.length - 1]!));
    expect(chain).toEqual([
      '/inventory.Nodes/ListNodes',
      '/inventory.Nodes/',
      '/inventory.Nodes',
      '/inventory.',
      '/inventory',
      '/',
    ]);
  });

  it.each([
    ['a v1 path', '/v1/Settings/Get', '/v1/Settings/'],
    ['a trailing slash (trimmed)', '/v1/Settings/', '/v1/Settings'],
    ['a name after a slash', '/v1/Settings', '/v1/'],
    ['/v1/', '/v1/', '/v1'],
    ['/v1', '/v1', '/'],
    ['a file name with a dot', '/logs.zip', '/logs.'],
    ['several trailing separators (all trimmed)', '/a/b./', '/a/b'],
    ['the root', '/', '/'],
    ['the empty string', '', '/'],
  ])('pmm-auth §2.1: nextPrefix of %s (%j) is %j', (_label, input, expected) => {
    expect(nextPrefix(input)).toBe(expected);
  });
});

describe('RuleTable.match on the 2.41 table', () => {
  it('pmm-auth §2.1: the pmm2 profile holds exactly the 2.41 (AS-241) rule table', () => {
    const sort = (rules: readonly AuthRule[]) => [...rules].sort(([a], [b]) => a.localeCompare(b));
    expect(sort(pmm2.rules)).toEqual(sort(REFERENCE_2_41));
  });

  it.each(REFERENCE_2_41.map(([prefix, role]) => ({ prefix, role })))(
    'pmm-auth §2.1: the prefix $prefix itself has role $role',
    ({ prefix, role }) => {
      expect(table.match(prefix)).toEqual({ prefix, role });
    },
  );

  it.each(REFERENCE_2_41.map(([prefix, role]) => ({ prefix, role, path: under(prefix) })))(
    'pmm-auth §2.1: $path (under $prefix) has role $role',
    ({ prefix, role, path }) => {
      expect(table.match(path)).toEqual({ prefix, role });
    },
  );

  it.each([
    ['the root', '/'],
    ['an unknown /v1 path', '/v1/foo'],
    ['/v1/Settings without its trailing slash', '/v1/Settings'],
    ['/dump (no rule in 2.41)', '/dump'],
    ['/v1 itself', '/v1'],
    ['a name continuing a prefix without a separator (/v1/versionX)', '/v1/versionX'],
    ['a name continuing a prefix without a separator (/pingx)', '/pingx'],
    ['a name continuing a prefix without a separator (/graphql)', '/graphql'],
    ['/inventory without its dot', '/inventory'],
  ])('pmm-auth §2.1: %s falls back to grafanaAdmin', (_label, path) => {
    expect(table.match(path)).toEqual({ prefix: null, role: 'grafanaAdmin' });
  });

  it.each([
    ['a Grafana API path', '/graph/api/auth/keys', '/graph', 'none'],
    [
      'a more specific rule under a broader one',
      '/management.Actions/StartMySQLShowCreateTableAction',
      '/management.Actions/',
      'viewer',
    ],
    ['the broader rule beside a specific one', '/management.Nodes/Register', '/management.', 'admin'],
    [
      'a viewer rule inside an admin tree',
      '/v1/inventory/Services/ListTypes',
      '/v1/inventory/Services/ListTypes',
      'viewer',
    ],
    ['the admin tree beside it', '/v1/inventory/Services/List', '/v1/inventory/', 'admin'],
    ['Updates/Check (viewer) beside Updates/ (admin)', '/v1/Updates/Check', '/v1/Updates/Check', 'viewer'],
    ['Updates/Start under Updates/ (admin)', '/v1/Updates/Start', '/v1/Updates/', 'admin'],
    ['a gRPC method under /server.', '/server.Server/Version', '/server.', 'admin'],
    ['/v1/user/me under /v1/user', '/v1/user/me', '/v1/user', 'viewer'],
    ['the Alertmanager API', '/alertmanager/api/v2/alerts', '/alertmanager', 'admin'],
  ])('pmm-auth §2.1: longest prefix wins for %s (%s)', (_label, path, prefix, role) => {
    expect(table.match(path)).toEqual({ prefix, role });
  });

  it('pmm-auth §2.1: a table with a duplicate prefix is refused', () => {
    expect(
      () =>
        new RuleTable([
          ['/ping', 'none'],
          ['/ping', 'admin'],
        ]),
    ).toThrow(/duplicate/);
  });
});

describe('roleAtLeast', () => {
  const ORDER: readonly PmmRole[] = ['none', 'viewer', 'editor', 'admin', 'grafanaAdmin'];
  const rows = ORDER.flatMap((have, i) => ORDER.map((need, j) => ({ have, need, expected: i >= j })));

  it.each(rows)(
    'pmm-auth §2.1: none < viewer < editor < admin < grafanaAdmin — $have ≥ $need is $expected',
    ({ have, need, expected }) => {
      expect(roleAtLeast(have, need)).toBe(expected);
    },
  );
});
