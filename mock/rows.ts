/**
 * The store's rows: users, service accounts and API keys. As in Grafana's `api_key` table, legacy
 * keys and service-account tokens are rows of one table with one unique (org, name) index
 * (grafana-auth §1.3, grafana-auth §2.2).
 */
import type { OrgRole } from './profiles/types.ts';

export interface User {
  readonly id: number;
  readonly login: string;
  readonly email: string;
  readonly name: string;
  readonly orgRole: OrgRole;
  readonly isGrafanaAdmin: boolean;
  readonly createdMs: number;
  readonly passwordDigest: Buffer;
}

export interface ApiKey {
  readonly id: number;
  readonly orgId: number;
  readonly name: string;
  readonly role: OrgRole;
  /** Unix seconds, or null for "never" (grafana-auth §4). */
  readonly expires: number | null;
  readonly createdMs: number;
  readonly secretDigest: Buffer;
  /** The service account the row belongs to: a token, or a migrated legacy key (grafana-auth §2.2, grafana-auth §5.2); null for a plain key. */
  readonly serviceAccountId: number | null;
  /** How the secret is checked: `legacy` (name-salted `k`, grafana-auth §2.1) or `prefixed` (the whole `glsa_` token, grafana-auth §2.2). */
  readonly format: 'legacy' | 'prefixed';
  /** grafana-auth §3.3: updated (asynchronously in Grafana) on every successful use. */
  readonly lastUsedMs: number | null;
}

/** A service account: a user row with `is_service_account` (grafana-auth §3.3, grafana-auth §5.3). Shares the user id sequence. */
export interface ServiceAccount {
  readonly id: number;
  readonly orgId: number;
  readonly name: string;
  readonly login: string;
  readonly role: OrgRole;
  readonly isDisabled: boolean;
  readonly createdMs: number;
  readonly updatedMs: number;
}

export type NewKey = Omit<ApiKey, 'id' | 'secretDigest' | 'serviceAccountId' | 'format' | 'lastUsedMs'> & {
  readonly serviceAccountId?: number | null;
};

export interface NewUser {
  login: string;
  password: string;
  orgRole: OrgRole;
  isGrafanaAdmin?: boolean;
  /** Default `<login>@localhost` (`admin@localhost` for admin). */
  email?: string;
  /** Default the login (empty for admin). */
  name?: string;
}

/** The one org the mock has (PMM uses org 1, pmm-auth §2.3). */
export const ORG_ID = 1;
