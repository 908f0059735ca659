/** The product's behaviour switches, as PMM 2.41 and PMM 3.0 both have them (data only). */
import type { Behaviour } from './types.ts';

export const FAITHFUL_BEHAVIOUR: Behaviour = {
  // grafana-auth §3.1: "Bearer" is case-sensitive.
  bearerScheme: 'exact',
  // grafana-auth §3.1: no query-string key support (no `?api_key=`).
  keyQueryParam: null,
  // grafana-auth §4: rejected when expires <= now.
  keyExpiry: 'atExpirySecond',
  // grafana-auth §3.2: a token of a disabled service account → 401 "Service account is disabled".
  disabledAccountsRefused: true,
  // pmm-auth §2.2 step 7: minRole <= role, else code 7.
  authLayerChecksRoles: true,
  // pmm-auth §2.1: no match → grafanaAdmin; API keys and tokens never reach it.
  unlistedPathRole: 'grafanaAdmin',
  // grafana-auth §1.1: effectively org role Admin required.
  managementNeedsOrgAdmin: true,
  // grafana-auth §1.2: "Cannot assign a role higher than user's role".
  keyRoleCeiling: true,
  // grafana-auth §1.3 step 6: duplicate check first, then a negative TTL.
  keyCreateOrder: 'duplicateFirst',
  // grafana-auth §1.5: the list items carry no secret.
  keyListShowsSecret: false,
  // grafana-auth §1.6: the row is deleted; the key stops working.
  keyDeleteRemoves: true,
  // grafana-auth §5.3: the account is deleted with its tokens.
  serviceAccountDeleteRemoves: true,
  // pmm-auth §5: a user with no role set has the org's default role, Viewer.
  newUserRole: 'Viewer',
  // grafana-auth §5.3: a plain API key is first migrated into a service account.
  migrateKeyOnFirstUse: true,
};
