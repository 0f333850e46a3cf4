import type { ColumnType, Generated, Selectable } from 'kysely'
import type { Timestamp, NullableTimestamp } from '../db/column-types.js'

type Json<T> = ColumnType<T, string, string>

/** A person's tasks on one asset, as access rules grant them (meta-graph-api.md §2.3, §3.2). */
export interface AssetGrantJson {
  assetType: string
  assetId: string
  tasks: string[]
  /**
   * meta_people only: extra tasks a POST of exactly `tasks` did not take away
   * (provisioning/engine/reconcile-types.ts).
   */
  narrowed?: string[]
}

/**
 * One tenant's Meta connection (docs/architecture.md "Meta side"): secrets sealed with AES-256-GCM
 * (src/crypto/secret-box.ts), never stored in clear.
 */
export interface TenantMetaSettingsTable {
  tenant_id: string
  business_id: string | null
  access_token_sealed: string | null
  app_secret_sealed: string | null
  identity_mode: Generated<'facebook_profiles' | 'work_accounts'>
  invite_type: Generated<'FB' | 'MWA'>
  /** work_accounts mode: invite managed accounts (MWA) instead of waiting for the IdP's connector. */
  work_accounts_invite: Generated<boolean>
  /** A Meta business role, or null for "no default role". */
  default_role: string | null
  dry_run: Generated<boolean>
  /** 'env' when the environment owns at least one setting (see env_owned). */
  managed_by: Generated<'env' | 'admin'>
  /** Settings the environment owns, setting → variable (`{"businessId":"META_BUSINESS_ID"}`). */
  env_owned: ColumnType<Record<string, string>, string | undefined, string>
  connection_status: Generated<'unknown' | 'connected' | 'disconnected'>
  connection_error: string | null
  connection_changed_at: NullableTimestamp
  /** When the acceptance poll last ran for this tenant (one replica claims each round). */
  last_polled_at: NullableTimestamp
  created_at: Timestamp
  updated_at: Timestamp
}

/** IdP group (by display name, any case) → business role and asset tasks, with a priority. */
export interface AccessRulesTable {
  tenant_id: string
  id: Generated<string>
  group_name: string
  role: string | null
  assets: Json<AssetGrantJson[]>
  /** Lower wins when several of a user's groups name a role. */
  priority: Generated<number>
  created_at: Timestamp
  updated_at: Timestamp
}

export interface TenantProvisioningTables {
  tenant_meta_settings: TenantMetaSettingsTable
  access_rules: AccessRulesTable
}

export type TenantMetaSettingsRow = Selectable<TenantMetaSettingsTable>
export type AccessRuleRow = Selectable<AccessRulesTable>
