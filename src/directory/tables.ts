import type { ColumnType, Generated, Selectable } from 'kysely'
import type { Timestamp } from '../db/column-types.js'

/** A stored SCIM resource body (RFC 7643), canonical keys, without id and meta. */
export type ScimData = ColumnType<Record<string, unknown>, string, string>

/**
 * SCIM Users (RFC 7643 §4.1). `data` holds the whole resource minus id/meta; the promoted
 * columns are derived from it on every write so filters on them use indexes.
 */
export interface UsersTable {
  tenant_id: string
  id: Generated<string>
  user_name: string
  external_id: string | null
  active: boolean
  display_name: string | null
  data: ScimData
  version: Generated<number>
  created_at: Timestamp
  updated_at: Timestamp
}

/** SCIM Groups (RFC 7643 §4.2) without their members, which live in group_members. */
export interface GroupsTable {
  tenant_id: string
  id: Generated<string>
  display_name: string
  external_id: string | null
  data: ScimData
  version: Generated<number>
  created_at: Timestamp
  updated_at: Timestamp
}

/** One row per membership, so membership changes are SQL deltas, never a rewritten list. */
export interface GroupMembersTable {
  tenant_id: string
  group_id: string
  member_id: string
  /** The member's `display` as the IdP sent it (RFC 7643 §2.4). */
  display: string | null
  added_at: Timestamp
}

export interface DirectoryTables {
  users: UsersTable
  groups: GroupsTable
  group_members: GroupMembersTable
}

export type UserRow = Selectable<UsersTable>
export type GroupRow = Selectable<GroupsTable>
export type GroupMemberRow = Selectable<GroupMembersTable>
