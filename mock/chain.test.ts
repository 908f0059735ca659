/**
 * mock/chain.ts: the layers in front of a route, as one handler, answer as Hono's compose of the
 * same layers would (the same status, body and order of work), and in the same tick when every
 * layer finishes in it.
 */
import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { describe, expect, it } from 'vitest';
import { chain, type ErrorAnswer, type Layer } from './chain.ts';
import type { Env } from './context.ts';

const onError: ErrorAnswer = (err) =>
  err instanceof HTTPException ? err.getResponse() : new Response(`error: ${err.message}`, { status: 500 });

/** A layer that notes itself before and after the inner ones, and marks the answer's headers. */
const around =
  (name: string, log: string[], async = false): Layer =>
  (c, next) => {
    log.push(`${name}>`);
    const after = () => {
      log.push(`<${name}`);
      c.res = new Response(c.res.body, {
        status: c.res.status,
        headers: { ...Object.fromEntries(c.res.headers), [`x-${name}`]: '1' },
      });
    };
    if (async)
      return Promise.resolve()
        .then(() => next())
        .then(after);
    const done = next();
    if (done instanceof Promise) return done.then(after);
    after();
  };

const throwing =
  (status: 401 | 403): Layer =>
  () => {
    throw new HTTPException(status, { message: `no ${status}` });
  };

interface Outcome {
  status: number;
  body: string;
  headers: Record<string, string>;
  log: string[];
}

/** The same layers and handler through chain() and through Hono's own compose (app.use). */
async function both(
  make: (log: string[]) => { layers: Layer[]; handler: () => Response },
): Promise<[Outcome, Outcome]> {
  const run = async (composeWithHono: boolean): Promise<Outcome> => {
    const log: string[] = [];
    const { layers, handler } = make(log);
    const app = new Hono<Env>();
    app.onError(onError);
    if (composeWithHono) {
      for (const l of layers) app.use('*', l as never);
      app.get('/x', handler);
    } else app.get('/x', chain(layers, handler, onError));
    const res = await app.request('/x');
    const headers = Object.fromEntries([...res.headers].filter(([k]) => k.startsWith('x-')));
    return { status: res.status, body: await res.text(), headers, log };
  };
  return [await run(false), await run(true)];
}

describe('chain', () => {
  it('runs the layers around the handler in order, each seeing the inner answer, as Hono does', async () => {
    const [mine, hono] = await both((log) => ({
      layers: [around('a', log), around('b', log, true), around('c', log)],
      handler: () => {
        log.push('handler');
        return new Response('ok', { status: 201 });
      },
    }));
    expect(mine).toEqual(hono);
    expect(mine.log).toEqual(['a>', 'b>', 'c>', 'handler', '<c', '<b', '<a']);
    expect(mine).toMatchObject({ status: 201, body: 'ok', headers: { 'x-a': '1', 'x-b': '1', 'x-c': '1' } });
  });

  it('turns an error in a layer into the error answer there, for the outer layers to see; the inner ones never run', async () => {
    const [mine, hono] = await both((log) => ({
      layers: [around('a', log), throwing(401), around('c', log)],
      handler: () => {
        log.push('handler');
        return new Response('ok');
      },
    }));
    expect(mine).toEqual(hono);
    expect(mine).toMatchObject({ status: 401, body: 'no 401', headers: { 'x-a': '1' }, log: ['a>', '<a'] });
  });

  it("turns an async layer's rejection and the handler's own error into the error answer too", async () => {
    const rejecting: Layer = async () => {
      throw new HTTPException(403, { message: 'no 403' });
    };
    const [mine, hono] = await both((log) => ({
      layers: [around('a', log), rejecting],
      handler: () => new Response('never'),
    }));
    expect(mine).toEqual(hono);
    expect(mine).toMatchObject({ status: 403, body: 'no 403', headers: { 'x-a': '1' } });

    const [mine2, hono2] = await both((log) => ({
      layers: [around('a', log)],
      handler: () => {
        throw new Error('boom');
      },
    }));
    expect(mine2).toEqual(hono2);
    expect(mine2).toMatchObject({ status: 500, body: 'error: boom', headers: { 'x-a': '1' } });
  });

  it('lets a layer answer instead of the handler by returning a Response', async () => {
    const answering: Layer = () => new Response('short', { status: 302 });
    const [mine, hono] = await both((log) => ({
      layers: [around('a', log), answering, around('c', log)],
      handler: () => new Response('never'),
    }));
    expect(mine).toEqual(hono);
    expect(mine).toMatchObject({ status: 302, body: 'short', log: ['a>', '<a'] });
  });

  it('answers in the same tick when every layer does: no promise for Hono to await', () => {
    const app = new Hono<Env>();
    const pass: Layer = (_c, next) => next();
    app.get(
      '/x',
      chain([pass, pass], () => new Response('now'), onError),
    );
    const res = app.fetch(new Request('http://localhost/x'));
    expect(res).toBeInstanceOf(Response);
    expect(res).not.toBeInstanceOf(Promise);
  });
});
