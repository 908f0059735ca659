/** Unit tests of Go's path.Clean as the mock copies it (used by PMM's cleanPath, pmm-auth §2.2). */
import { describe, expect, it } from 'vitest';
import { pathClean } from './path.ts';

describe('pathClean (Go path.Clean)', () => {
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
    expect(pathClean(input)).toBe(expected);
  });
});
