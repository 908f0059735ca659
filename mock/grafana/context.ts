/**
 * Grafana's context handler (grafana-auth §3.1, grafana-auth §3.2, grafana-auth §3.3): every request under /graph except the
 * health endpoint (served earlier, never authenticated, grafana-auth §3.1) resolves the caller; a credential
 * that fails is answered at once, before any route. No credential continues anonymously.
 */
import type { Layer } from '../chain.ts';
import type { AppDeps } from '../context.ts';
import { noteFailure, resolutionOf } from '../context.ts';
import { reject } from '../errors.ts';
import { isAnswer, sendAnswer, signedIn } from './answers.ts';

const HEALTH_PATH = '/graph/api/health';

export function grafanaContext(deps: AppDeps): Layer {
  // Not async (issue 15): it answers by throwing, or passes on next()'s result.
  return function grafanaContextHandler(c, next) {
    if (c.req.path === HEALTH_PATH) return next();
    const res = resolutionOf(c, deps);
    if (!res.ok && res.failure !== null) {
      const who = signedIn(res, deps.profile);
      if (isAnswer(who)) {
        noteFailure(c, res);
        throw reject(sendAnswer(who));
      }
    }
    return next();
  };
}
