/** Grafana's user endpoints and health under /graph (grafana-auth §6); the UI is in mock/grafana/ui/. */
import type { AppDeps, Ctx } from '../context.ts';
import { noteFailure, resolutionOf } from '../context.ts';
import { GRAFANA_CONTENT_TYPE } from '../errors.ts';
import { getSignedInUser, getSignedInUserOrgList, sendAnswer } from './answers.ts';

/** getSignedInUserHandler — `GET /api/user` (grafana-auth §6.2). */
export function getSignedInUserHandler(deps: AppDeps) {
  return function getSignedInUserHandler(c: Ctx): Response {
    const res = resolutionOf(c, deps);
    noteFailure(c, res);
    return sendAnswer(getSignedInUser(res, deps.profile));
  };
}

/** getSignedInUserOrgListHandler — `GET /api/user/orgs` (grafana-auth §6.2). */
export function getSignedInUserOrgListHandler(deps: AppDeps) {
  return function getSignedInUserOrgListHandler(c: Ctx): Response {
    const res = resolutionOf(c, deps);
    noteFailure(c, res);
    return sendAnswer(getSignedInUserOrgList(res, deps.profile));
  };
}

/**
 * getHealth — `GET|HEAD /api/health`, no auth (grafana-auth §6.3): 9.x pretty-prints with
 * 2-space indent and sorted keys commit, database, version.
 */
export function getHealth(deps: AppDeps) {
  return function getHealth(c: Ctx): Response {
    const values = { commit: deps.profile.grafana.commit, database: 'ok', version: deps.profile.grafana.version };
    const body = Object.fromEntries(deps.profile.healthKeys.map((k) => [k, values[k]]));
    return c.body(JSON.stringify(body, null, 2), 200, { 'Content-Type': GRAFANA_CONTENT_TYPE });
  };
}
