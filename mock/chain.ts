/**
 * Issue 15: the mock's layers run in front of each route as one Hono handler, composed here with
 * Hono's own compose semantics (an error in a layer becomes the app's error answer at that layer,
 * for the layers around it to see; a layer's returned Response becomes `c.res` unless one is set
 * already) but without an async frame per layer: a request whose layers all pass straight on is
 * answered in the same tick, as a one-route Hono app answers it. Hono calls one matched handler
 * directly (`hono-base.js` #dispatch) and composes only when several match.
 */
import type { Handler, Next } from 'hono';
import type { Ctx, Env } from './context.ts';

export type Step = void | Promise<void>;
/**
 * A layer in front of the routes: Hono's middleware, save that `next()` and the layer itself may
 * finish synchronously (a layer that only passes on returns `next()`; one that works after the
 * answer checks whether `next()` gave a promise).
 */
export type Layer = (c: Ctx, next: () => Step) => Response | Step | Promise<Response | void>;
export type ErrorAnswer = (err: Error, c: Ctx) => Response | Promise<Response>;

/** `handler` behind `layers` (outermost first), as one handler that answers `c.res`. */
export function chain(layers: readonly Layer[], handler: Handler<Env>, onError: ErrorAnswer): Handler<Env> {
  const all: readonly Layer[] = [...layers, handler as Layer];
  return function chained(c, next) {
    const done = run(c, 0, next);
    return done instanceof Promise ? done.then(() => c.res) : c.res;
  };

  function run(c: Ctx, i: number, outer: Next): Step {
    const fn = all[i];
    if (fn === undefined) return outer();
    let out: ReturnType<Layer>;
    try {
      out = fn(c, () => run(c, i + 1, outer));
    } catch (err) {
      return fail(c, err);
    }
    if (out instanceof Promise)
      return out.then(
        (res) => settle(c, res, false),
        (err: unknown) => fail(c, err),
      );
    settle(c, out, false);
  }

  /** Hono's compose: a returned Response is the answer unless the context has one (errors: always). */
  function settle(c: Ctx, res: Response | void, isError: boolean): void {
    if (res && (c.finalized === false || isError)) c.res = res;
  }

  function fail(c: Ctx, err: unknown): Step {
    if (!(err instanceof Error)) throw err;
    c.error = err;
    const res = onError(err, c);
    if (res instanceof Promise) return res.then((r) => settle(c, r, true));
    settle(c, res, true);
  }
}
