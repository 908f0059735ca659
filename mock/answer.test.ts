/** mock/answer.ts: headers added to an answer as `Headers.set` adds them, without the Fetch `Headers` object (issue 15). */
import { describe, expect, it } from 'vitest';
import { answer, headerSet, withHeaders } from './answer.ts';

const wire = (res: Response): Record<string, string> => Object.fromEntries(res.headers);

describe('withHeaders', () => {
  const extra = headerSet({ 'Cache-Control': 'no-cache', 'X-Frame-Options': 'DENY' });

  it('adds the headers to a known answer, replacing a name given in another case, and keeps status and body', async () => {
    const res = withHeaders(
      answer(404, '{"message":"Not found"}', { 'Content-Type': 'application/json', 'cache-control': 'max-age=9' }),
      extra,
    );
    expect(res.status).toBe(404);
    expect(await res.text()).toBe('{"message":"Not found"}');
    expect(wire(res)).toEqual({
      'content-type': 'application/json',
      'cache-control': 'no-cache',
      'x-frame-options': 'DENY',
    });
  });

  it('keeps an answer without a body bodiless', async () => {
    const res = withHeaders(answer(302, null, { Location: '/graph/' }), extra);
    expect(res.status).toBe(302);
    expect(res.body).toBeNull();
    expect(res.headers.get('location')).toBe('/graph/');
  });

  it('sets the headers on any other Response itself, as Headers.set does', async () => {
    const other = new Response('x', { status: 201, headers: { 'CACHE-CONTROL': 'private' } });
    const res = withHeaders(other, extra);
    expect(res).toBe(other);
    expect(wire(res)).toMatchObject({ 'cache-control': 'no-cache', 'x-frame-options': 'DENY' });
    expect(await res.text()).toBe('x');
  });
});
