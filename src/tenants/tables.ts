import type { Generated, Selectable } from 'kysely'
import type { Timestamp, NullableTimestamp } from '../db/column-types.js'

export interface TenantsTable {
  id: Generated<string>
  name: string
  created_at: Timestamp
  updated_at: Timestamp
}

export interface ScimTokensTable {
  id: Generated<string>
  tenant_id: string
  label: string
  /** SHA-256 of the token, hex; the token itself is never stored. */
  token_hash: string
  /** First characters of the token, so an admin can tell tokens apart without the secret. */
  token_prefix: string
  created_at: Timestamp
  last_used_at: NullableTimestamp
  revoked_at: NullableTimestamp
}

export interface AdminTokensTable {
  id: Generated<string>
  label: string
  /** SHA-256 of the admin token, hex. */
  token_hash: string
  created_at: Timestamp
  revoked_at: NullableTimestamp
}

export interface TenantTables {
  admin_tokens: AdminTokensTable
  tenants: TenantsTable
  scim_tokens: ScimTokensTable
}

export type Tenant = Selectable<TenantsTable>
export type ScimToken = Selectable<ScimTokensTable>
