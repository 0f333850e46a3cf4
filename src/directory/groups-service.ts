import type { Transaction } from 'kysely'
import type { DB } from '../db/schema.js'
import { ScimError } from '../scim/errors.js'
import { applyPatch } from '../scim/patch/apply.js'
import { memberValues, type MemberDelta, type MemberValue } from '../scim/patch/members.js'
import type { PatchOperationInput } from '../scim/patch/operations.js'
import type { JsonObject } from '../scim/resource/json.js'
import { checkRequired, normalizeResource } from '../scim/resource/normalize.js'
import { checkResourceLimits } from '../scim/resource/size-limits.js'
import { scimLimits } from '../scim/limits.js'
import type { ListRequest, ListResult, ResourceService } from '../scim/resource-service.js'
import { groupResourceType } from '../scim/schemas/resource-types.js'
import { findAttribute } from '../scim/schemas/types.js'
import { isUuid } from './db-errors.js'
import { countGroups, deleteGroup, findGroup, insertGroup, listGroups, updateGroup } from './groups-repository.js'
import {
  addMembers, memberCounts, membersOfGroups, removeAllMembers, removeMembers, removeMembersWhere, replaceMembers
} from './members-repository.js'
import { readPage } from './paging.js'
import type { GroupRecord, MemberRef } from './records.js'
import { existingUserIds } from './users-repository.js'
import type { Executor } from '../db/executor.js'
import { checkIfMatch, type DirectoryDeps } from './common.js'

const type = groupResourceType
const membersAttribute = findAttribute(type.schema.attributes, 'members')!
const notFound = (id: string): ScimError => new ScimError(404, undefined, `Group ${id} not found`)

/** Splits `members` off a normalised body: memberships live in their own table. */
function splitMembers (body: JsonObject): { data: JsonObject, members: MemberValue[] | undefined } {
  const { members, ...data } = body
  return { data, members: members === undefined ? undefined : memberValues(membersAttribute, members) }
}

function unique (members: MemberValue[]): MemberValue[] {
  const seen = new Map<string, MemberValue>()
  for (const m of members) seen.set(m.value.toLowerCase(), { ...m, value: m.value.toLowerCase() })
  return [...seen.values()]
}

/**
 * Members must be Users of the tenant: a reference to nothing would grant nobody anything and
 * hide the IdP's mistake, so it is refused and the IdP retries once the user exists.
 */
async function checkMembers (trx: Executor, tenantId: string, members: MemberValue[]): Promise<void> {
  const malformed = members.find((m) => !isUuid(m.value))
  // A member's display is a user's display name: the same limit, and it bounds a Group answer.
  const long = members.find((m) => (m.display?.length ?? 0) > scimLimits.indexedStringLength)
  if (long) throw ScimError.of('invalidValue', `the display of member ${long.value} is longer than ${scimLimits.indexedStringLength} characters`)
  if (malformed) throw ScimError.of('invalidValue', `member ${malformed.value} is not a User of this tenant`)
  const found = await existingUserIds(trx, tenantId, members.map((m) => m.value))
  const missing = members.find((m) => !found.has(m.value))
  if (missing) throw ScimError.of('invalidValue', `member ${missing.value} is not a User of this tenant`)
}

/** Applies membership deltas in order, in SQL; the user ids whose membership changed. */
async function applyDeltas (
  trx: Transaction<DB>, deps: DirectoryDeps, tenantId: string, groupId: string, deltas: MemberDelta[]
): Promise<Set<string>> {
  const changed = new Set<string>()
  for (const delta of deltas) {
    let ids: string[] = []
    switch (delta.kind) {
      case 'add': {
        const members = unique(delta.members)
        await checkMembers(trx, tenantId, members)
        ids = await addMembers(trx, tenantId, groupId, members)
        break
      }
      case 'replace': {
        const members = unique(delta.members)
        await checkMembers(trx, tenantId, members)
        ids = await replaceMembers(trx, tenantId, groupId, members)
        break
      }
      case 'remove':
        ids = await removeMembers(trx, tenantId, groupId, delta.values.map((v) => v.toLowerCase()).filter(isUuid))
        break
      case 'removeWhere':
        ids = await removeMembersWhere(trx, tenantId, groupId, delta.filter)
        break
      case 'removeAll':
        // Every current member loses this group: the sink reads them before they go.
        await deps.accessChanges.groupMembersChanged(trx, tenantId, groupId)
        await removeAllMembers(trx, tenantId, groupId)
        break
    }
    for (const id of ids) changed.add(id)
  }
  return changed
}

export interface GroupsServiceOptions {
  /** Most members one answer carries, over all its groups (docs/scim.md "Group answers"). */
  maxMembersPerAnswer?: number
}

/**
 * Reads the members of one group for an answer: at most `cap`, the first ones added; when
 * the group has more, `totalMembers` says how many (the answer's member-paging block).
 */
async function attachBoundedMembers (
  db: Executor, tenantId: string, group: GroupRecord, cap: number
): Promise<GroupRecord> {
  const members = (await membersOfGroups(db, tenantId, [group.id], cap + 1)).get(group.id) ?? []
  if (members.length > cap) {
    group.totalMembers = (await memberCounts(db, tenantId, [group.id])).get(group.id) ?? members.length
    members.length = cap
  }
  group.members = members
  return group
}

/**
 * Members for a page of groups within one budget of `cap` members. The page ends before the
 * first group whose members no longer fit (RFC 7644 §3.4.2.4 lets a page hold fewer resources
 * than `count`; clients go on from `startIndex + itemsPerPage`); a first group larger than the
 * budget comes alone, with its first `cap` members. The page that is kept.
 */
async function attachMembersWithinBudget (
  db: Executor, tenantId: string, page: GroupRecord[], cap: number
): Promise<GroupRecord[]> {
  if (page.length === 0) return page
  const counts = await memberCounts(db, tenantId, page.map((g) => g.id))
  const allowance = new Map<string, number>()
  let budget = cap
  for (const group of page) {
    const count = counts.get(group.id) ?? 0
    if (allowance.size > 0 && count > budget) break
    allowance.set(group.id, Math.min(count, budget))
    budget -= Math.min(count, budget)
  }
  const kept = page.filter((g) => allowance.has(g.id))
  const members = await membersOfGroups(db, tenantId, kept.map((g) => g.id), cap)
  for (const group of kept) {
    const loaded = members.get(group.id) ?? []
    const allowed = allowance.get(group.id) ?? 0
    // Members added between the count and the read are left for the next read, not over budget.
    if (loaded.length > allowed || (counts.get(group.id) ?? 0) > allowed) {
      group.totalMembers = Math.max(counts.get(group.id) ?? 0, loaded.length)
      loaded.length = allowed
    }
    group.members = loaded
  }
  return kept
}

export type GroupsService = ResourceService<GroupRecord> & {
  /** The members an answer would show: the first `maxMembersPerAnswer`. */
  membersOf: (tenantId: string, id: string) => Promise<MemberRef[]>
}

/**
 * SCIM Groups (RFC 7644 §3). Membership is a set of rows changed by deltas under the group's
 * row lock, so concurrent PATCHes never lose a member and cost what they change. A group's
 * members can be many (50,000 in bench/): `withMembers` reads them only when the answer shows
 * them, no more than an answer carries, and after a write inside its transaction.
 */
export function createGroupsService (deps: DirectoryDeps, options: GroupsServiceOptions = {}): GroupsService {
  const { db, accessChanges } = deps
  const cap = options.maxMembersPerAnswer ?? scimLimits.membersPerAnswer

  async function locked (
    trx: Executor, tenantId: string, id: string, ifMatch: string | undefined
  ): Promise<GroupRecord> {
    const group = isUuid(id) ? await findGroup(trx, tenantId, id, { forUpdate: true }) : undefined
    if (!group) throw notFound(id)
    checkIfMatch(ifMatch, group.version)
    return group
  }

  async function notify (
    trx: Transaction<DB>, tenantId: string, groupId: string, changed: Set<string>, renamed: boolean
  ): Promise<void> {
    if (changed.size > 0) await accessChanges.usersChanged(trx, tenantId, [...changed])
    // Access rules may name groups, so a rename can change every member's access.
    if (renamed) await accessChanges.groupMembersChanged(trx, tenantId, groupId)
  }

  const shown = async (
    executor: Executor, tenantId: string, group: GroupRecord, withMembers: boolean
  ): Promise<GroupRecord> => withMembers ? attachBoundedMembers(executor, tenantId, group, cap) : group

  return {
    async get (tenantId: string, id: string, withMembers = false): Promise<GroupRecord> {
      const group = isUuid(id) ? await findGroup(db, tenantId, id) : undefined
      if (!group) throw notFound(id)
      return shown(db, tenantId, group, withMembers)
    },

    async membersOf (tenantId: string, id: string): Promise<MemberRef[]> {
      return (await membersOfGroups(db, tenantId, [id], cap)).get(id) ?? []
    },

    /** Lists groups; members are read (two queries per page) only when asked for, within the budget. */
    async list (tenantId: string, request: ListRequest, withMembers = false): Promise<ListResult<GroupRecord>> {
      const { totalResults, items } = await readPage(type, request, {
        page: async (query) => listGroups(db, tenantId, query),
        count: async (filter) => countGroups(db, tenantId, filter)
      })
      return { totalResults, items: withMembers ? await attachMembersWithinBudget(db, tenantId, items, cap) : items }
    },

    async create (tenantId: string, body: unknown, withMembers = false): Promise<GroupRecord> {
      const { data, members } = splitMembers(normalizeResource(type, body))
      checkRequired(type, data)
      checkResourceLimits(data)
      return db.transaction().execute(async (trx) => {
        const group = await insertGroup(trx, tenantId, data)
        const changed = await applyDeltas(trx, deps, tenantId, group.id, members ? [{ kind: 'add', members }] : [])
        await notify(trx, tenantId, group.id, changed, false)
        return shown(trx, tenantId, group, withMembers)
      })
    },

    /**
     * RFC 7644 §3.5.1 full replace. `members` present (even `[]`) replaces the list by delta;
     * absent leaves memberships alone (RFC 7644 §3.5.1 lets the server keep omitted values),
     * so a rename by PUT never strips access.
     */
    async replace (
      tenantId: string, id: string, body: unknown, ifMatch?: string, withMembers = false
    ): Promise<GroupRecord> {
      const { data, members } = splitMembers(normalizeResource(type, body))
      checkRequired(type, data)
      checkResourceLimits(data)
      return db.transaction().execute(async (trx) => {
        const current = await locked(trx, tenantId, id, ifMatch)
        const group = await updateGroup(trx, tenantId, id, data)
        const changed = await applyDeltas(trx, deps, tenantId, id, members ? [{ kind: 'replace', members }] : [])
        await notify(trx, tenantId, id, changed, current.displayName !== group.displayName)
        return shown(trx, tenantId, group, withMembers)
      })
    },

    /** RFC 7644 §3.5.2: attributes patched in memory, members as SQL deltas; all or nothing. */
    async patch (
      tenantId: string, id: string, operations: readonly PatchOperationInput[], ifMatch?: string, withMembers = false
    ): Promise<GroupRecord> {
      return db.transaction().execute(async (trx) => {
        const current = await locked(trx, tenantId, id, ifMatch)
        const { data, memberDeltas } = applyPatch(type, current.data, operations, { id, deltaAttribute: 'members' })
        checkResourceLimits(data)
        const group = await updateGroup(trx, tenantId, id, data)
        const changed = await applyDeltas(trx, deps, tenantId, id, memberDeltas)
        await notify(trx, tenantId, id, changed, current.displayName !== group.displayName)
        return shown(trx, tenantId, group, withMembers)
      })
    },

    /** RFC 7644 §3.6; the sink hears before the memberships are deleted. */
    async delete (tenantId: string, id: string, ifMatch?: string): Promise<void> {
      await db.transaction().execute(async (trx) => {
        await locked(trx, tenantId, id, ifMatch)
        await accessChanges.groupMembersChanged(trx, tenantId, id)
        await deleteGroup(trx, tenantId, id)
      })
    }
  }
}
