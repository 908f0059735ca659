/** Unit tests of PMM 2.41's `cleanPath` (pmm-auth §2.2 step 3, pmm-auth §5.1); its Go helpers are tested in mock/go/. */
import { describe, expect, it } from 'vitest';
import { cleanPath } from './clean-path.ts';

describe('cleanPath', () => {
  it.each([
    // pmm-auth §5.1 (AST-24x) cases.
    [
      'encoded traversal out of a none prefix',
      '/v1/AWSInstanceCheck/..%2finventory/Services/List',
      '/v1/inventory/Services/List',
    ],
    ['query string dropped', '/v1/version?dummy=grpccode-16', '/v1/version'],
    [
      'query with encoded newlines dropped',
      '/graph/api/datasources/proxy/8/?query=WITH%20(%0A%20%20CASE%20WHEN%20(3%20-%202)%20%3D%201%20THEN%201%0A)',
      '/graph/api/datasources/proxy/8/',
    ],
    ['query holding an escaped "%" (Go does not unescape the query)', '/v1/version?q=100%25', '/v1/version'],
    ['two encoded traversals', '/v1/AWSInstanceCheck/..%2f..%2flogs.zip', '/logs.zip'],
    // Further consequences of unescape → path.Clean → parse.
    ['traversal out of /v1/readyz', '/v1/readyz/..%2fSettings/Get', '/v1/Settings/Get'],
    ['%2e%2e traversal', '/v1/readyz/%2e%2e/Settings/Get', '/v1/Settings/Get'],
    ['plain traversal', '/v1/readyz/../Settings/Get', '/v1/Settings/Get'],
    ['traversal above the root', '/..%2f..%2fv1/Settings/Get', '/v1/Settings/Get'],
    ['doubled slashes', '//v1//Settings//Get', '/v1/Settings/Get'],
    ['trailing slash removed', '/v1/Settings/Get/', '/v1/Settings/Get'],
    ['escaped "?" becomes the query and is dropped', '/v1/version%3Fx', '/v1/version'],
    ['escaped "?" cleaned before the query is dropped', '/v1/readyz%3F/../Settings/Get', '/v1/Settings/Get'],
    ['newline replaced by a space', '/v1/a%0Ab', '/v1/a b'],
    ['root', '/', '/'],
    ['unchanged clean path', '/v1/version', '/v1/version'],
  ])('pmm-auth §2.2, pmm-auth §5.1: cleanPath with %s', (_label, input, expected) => {
    expect(cleanPath(input)).toBe(expected);
  });

  it.each([
    ['a bad escape', '/v1/version%zz'],
    ['a truncated escape', '/v1/version%4'],
    ['an escaped NUL (control character)', '/v1/version%00'],
    ['an escaped tab (control character)', '/v1/a%09b'],
    ['an escaped DEL (control character)', '/v1/a%7Fb'],
    ['a raw control character', '/v1/a\u0001b'],
  ])('pmm-auth §2.2 step 3: cleanPath fails (→ code 13) on %s', (_label, input) => {
    expect(cleanPath(input)).toBeUndefined();
  });
});
