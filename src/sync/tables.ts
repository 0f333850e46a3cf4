import type { ColumnType, Generated, Selectable } from 'kysely'
import type { Timestamp, NullableTimestamp } from '../db/column-types.js'

/** jsonb written as a JSON string, read back parsed (same convention as src/directory). */
type Json<T> = ColumnType<T, string | undefined, string>

export type UnmanagedPolicy = 'report' | 'remove'
export type RunStatus = 'running' | 'succeeded' | 'failed'
export type RunTrigger = 'manual' | 'schedule'
export type PersonKind = 'member' | 'invite' | 'system_user'

export interface SyncSettingsTable {
  tenant_id: string
  /** Minutes between scheduled syncs; 0 = no schedule. */
  schedule_minutes: Generated<number>
  unmanaged_policy: Generated<UnmanagedPolicy>
  updated_at: Timestamp
}

export interface SyncRunsTable {
  id: Generated<string>
  tenant_id: string
  trigger: RunTrigger
  status: RunStatus
  phase: string
  counts: Json<Record<string, number>>
  summary: ColumnType<Record<string, unknown> | null, string | null | undefined, string | null>
  error: string | null
  started_at: Timestamp
  heartbeat_at: Timestamp
  finished_at: NullableTimestamp
}

export interface MetaDirectorySnapshotsTable {
  tenant_id: string
  run_id: string
  business_id: string
  taken_at: Timestamp
}

export interface MetaDirectoryPeopleTable {
  tenant_id: string
  kind: PersonKind
  meta_id: string
  email: string | null
  name: string | null
  role: string | null
  tasks: Json<string[]>
  finance_permission: string | null
  ip_permission: string | null
  invite_status: string | null
  invited_user_type: Json<string[]>
  work_account: boolean
  marked_for_removal: boolean
  invited_at: NullableTimestamp
  expires_at: NullableTimestamp
  matched_user_id: string | null
  primary_match: boolean
}

export interface MetaDirectoryPartnersTable {
  tenant_id: string
  kind: 'agency' | 'client'
  meta_id: string
  name: string | null
  permissions: Json<Record<string, unknown>>
}

export interface MetaDirectoryAssetsTable {
  tenant_id: string
  asset_type: string
  asset_id: string
  relation: 'owned' | 'client'
  name: string | null
  /** Set when the asset's assignments could not be read (permission, partner's asset). */
  unreadable_class: ColumnType<string | null, string | null | undefined, string | null>
  unreadable_code: ColumnType<number | null, number | null | undefined, number | null>
  unreadable_message: ColumnType<string | null, string | null | undefined, string | null>
}

export interface MetaDirectoryAssignmentsTable {
  tenant_id: string
  asset_type: string
  asset_id: string
  person_id: string
  user_type: string | null
  tasks: Json<string[]>
}

export interface SyncTables {
  sync_settings: SyncSettingsTable
  sync_runs: SyncRunsTable
  meta_directory_snapshots: MetaDirectorySnapshotsTable
  meta_directory_people: MetaDirectoryPeopleTable
  meta_directory_partners: MetaDirectoryPartnersTable
  meta_directory_assets: MetaDirectoryAssetsTable
  meta_directory_assignments: MetaDirectoryAssignmentsTable
}

export type SyncRunRow = Selectable<SyncRunsTable>
export type DirectoryPersonRow = Selectable<MetaDirectoryPeopleTable>
