import type { JsonObject } from '../scim/resource/json.js'
import type { GroupRef, MemberRef, StoredResource } from '../scim/resource/mapper.js'
import type { FilterNode } from '../scim/filter/ir.js'
import type { AttrRef } from '../scim/filter/ir.js'

/** A stored user, as services hand it to routes, the admin API and provisioning. */
export interface UserRecord extends StoredResource {
  userName: string
  externalId: string | null
  active: boolean
  displayName: string | null
  /** Set when asked for (withGroups); direct memberships only. */
  groups?: GroupRef[]
  /** Read-only extension blocks (src/directory/user-extensions.ts), keyed by schema URN. */
  extensionBlocks?: Record<string, JsonObject>
}

/** A stored group; `members` only when asked for (withMembers). */
export interface GroupRecord extends StoredResource {
  displayName: string
  externalId: string | null
  members?: MemberRef[]
  /** Set when `members` holds only the first members: how many the group has in all. */
  totalMembers?: number
}

/** A page request against one resource table. */
export interface ListQuery {
  filter: FilterNode | undefined
  sort: { attr: AttrRef, descending: boolean } | undefined
  /** 0-based offset (startIndex - 1). */
  offset: number
  limit: number
}

export type { JsonObject, GroupRef, MemberRef }
