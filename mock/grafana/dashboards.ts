/**
 * `GET /api/dashboards/home`: the request of the key UI's "API Key Created" example
 * (`curl -H "Authorization: Bearer <key>" <root>/api/dashboards/home`, mock/grafana/ui/apikeys.ts),
 * so that the command the UI shows works against the mock as it does against PMM.
 */
import type { AppDeps, Ctx } from '../context.ts';
import { noteFailure, resolutionOf } from '../context.ts';
import type { Resolution } from '../identity/resolve.ts';
import type { Profile } from '../profiles/types.ts';
import { type GrafanaAnswer, isAnswer, sendAnswer, signedIn } from './answers.ts';

/** The dashboard PMM makes Grafana's home (its `uid` and title as PMM's UI links them: UNVERIFIED, no reference section). */
const PMM_HOME = { uid: 'pmm-home', title: 'Home Dashboard' } as const;

/**
 * getHomeDashboard — grafana-auth §3.6: behind `reqSignedIn`, so no credential → 401 and a failed
 * one → its failure; any signed-in caller, Viewer included, gets the home dashboard. The body is
 * representative, not captured (UNVERIFIED, no reference section): Grafana's `{dashboard, meta}`
 * with `meta.isHome` true, a dashboard with no panels, and `canEdit` for an Editor or Admin.
 */
export function getHomeDashboard(res: Resolution, profile: Profile): GrafanaAnswer {
  const who = signedIn(res, profile);
  if (isAnswer(who)) return who;
  return {
    status: 200,
    body: {
      dashboard: { ...PMM_HOME, panels: [], schemaVersion: 36, version: 1 },
      meta: {
        isHome: true,
        canSave: false,
        canEdit: who.orgRole === 'Editor' || who.orgRole === 'Admin',
        canStar: false,
        slug: '',
        url: '',
        folderTitle: 'General',
      },
    },
  };
}

/** getHomeDashboardHandler — `GET /api/dashboards/home`. */
export function getHomeDashboardHandler(deps: AppDeps) {
  return function getHomeDashboardHandler(c: Ctx): Response {
    const res = resolutionOf(c, deps);
    noteFailure(c, res);
    return sendAnswer(getHomeDashboard(res, deps.profile));
  };
}
