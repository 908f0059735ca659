/** Unit tests of PMM 2.41's `cleanPath` and the Go helpers it is built from (pmm-auth §2.2 step 3, §5.1). */
import { describe, expect, it } from 'vitest';
import { cleanPath, goPathClean, goPathUnescape } from './clean-path.ts';

describe('goPathClean', () => {
  // The cases of Go's own `path.Clean` test table (lexical cleaning).
  it.each([
    ['empty', '', '.'],
    ['plain name', 'abc', 'abc'],
    ['two names', 'abc/def', 'abc/def'],
    ['three names', 'a/b/c', 'a/b/c'],
    ['dot', '.', '.'],
    ['dot-dot', '..', '..'],
    ['two dot-dots', '../..', '../..'],
    ['dot-dots then name', '../../abc', '../../abc'],
    ['rooted name', '/abc', '/abc'],
    ['root', '/', '/'],
    ['trailing slash', 'abc/', 'abc'],
    ['trailing slash, two names', 'abc/def/', 'abc/def'],
    ['trailing slash, three names', 'a/b/c/', 'a/b/c'],
    ['dot slash', './', '.'],
    ['dot-dot slash', '../', '..'],
    ['two dot-dots slash', '../../', '../..'],
    ['rooted trailing slash', '/abc/', '/abc'],
    ['doubled slashes', 'abc//def//ghi', 'abc/def/ghi'],
    ['leading double slash', '//abc', '/abc'],
    ['leading triple slash', '///abc', '/abc'],
    ['double slashes both ends', '//abc//', '/abc'],
    ['trailing double slash', 'abc//', 'abc'],
    ['inner dot', 'abc/./def', 'abc/def'],
    ['rooted leading dot', '/./abc/def', '/abc/def'],
    ['trailing dot', 'abc/.', 'abc'],
    ['inner dot-dot', 'abc/def/ghi/../jkl', 'abc/def/jkl'],
    ['two inner dot-dots', 'abc/def/../ghi/../jkl', 'abc/jkl'],
    ['trailing dot-dot', 'abc/def/..', 'abc'],
    ['back to dot', 'abc/def/../..', '.'],
    ['back to root', '/abc/def/../..', '/'],
    ['above relative start', 'abc/def/../../..', '..'],
    ['above root stays at root', '/abc/def/../../..', '/'],
    ['deep mix', 'abc/def/../../../ghi/jkl/../../../mno', '../../mno'],
    ['dot then dot-dot', 'abc/./../def', 'def'],
    ['double slash, dot, dot-dot', 'abc//./../def', 'def'],
    ['many dots', 'abc/../../././../def', '../../def'],
  ])('pmm-auth §2.2: path.Clean of %s (%j) is %j', (_label, input, expected) => {
    expect(goPathClean(input)).toBe(expected);
  });
});

describe('goPathUnescape', () => {
  it.each([
    ['a lower-case %2f', '/a%2fb', '/a/b'],
    ['an upper-case %2F', '/a%2Fb', '/a/b'],
    ['%2e%2e', '/a/%2e%2e/b', '/a/../b'],
    ['"+" kept as is', '/a+b', '/a+b'],
    ['%20', '/a%20b', '/a b'],
    ['%25 (one level only)', '/a%252fb', '/a%2fb'],
    ['a multi-byte UTF-8 sequence', '/caf%C3%A9', '/café'],
    ['%3F (not a query separator once unescaped)', '/v1/version%3Fx', '/v1/version?x'],
    ['no escapes', '/v1/version', '/v1/version'],
  ])('pmm-auth §2.2: url.PathUnescape decodes %s', (_label, input, expected) => {
    expect(goPathUnescape(input)).toBe(expected);
  });

  it.each([
    ['non-hex digits', '/v1/version%zz'],
    ['one hex digit', '/v1/version%4'],
    ['a lone % at the end', '/v1/version%'],
    ['one hex digit then a letter', '/v1/%4g'],
  ])('pmm-auth §2.2: url.PathUnescape rejects a bad escape: %s', (_label, input) => {
    expect(goPathUnescape(input)).toBeUndefined();
  });
});

describe('cleanPath', () => {
  it.each([
    // pmm-auth §5.1 (AST-24x) cases.
    ['encoded traversal out of a none prefix', '/v1/AWSInstanceCheck/..%2finventory/Services/List', '/v1/inventory/Services/List'],
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
  ])('pmm-auth §2.2/§5.1: cleanPath with %s', (_label, input, expected) => {
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
