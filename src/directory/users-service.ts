import { ScimError } from '../scim/errors.js'
import { parseFilter } from '../scim/filter/parse.js'
import { resolveSort } from '../scim/list/sort.js'
import { applyPatch } from '../scim/patch/apply.js'
import type { PatchOperationInput } from '../scim/patch/operations.js'
import type { JsonObject } from '../scim/resource/json.js'
import { checkRequired, normalizeResource } from '../scim/resource/normalize.js'
import { userResourceType, type ResourceTypeDefinition } from '../scim/schemas/resource-types.js'
import { checkIfMatch, type DirectoryDeps, type ListRequest, type ListResult } from './common.js'
import { isUniqueViolation, isUuid } from './db-errors.js'
import type { GroupRef, UserRecord } from './records.js'
import {
  countUsers, deleteUser, findUser, groupsOfUsers, insertUser, listUsers, updateUser
} from './users-repository.js'
import type { Executor } from '../db/executor.js'

const notFound = (id: string): ScimError => new ScimError(404, undefined, `User ${id} not found`)

/** A user never lacks `active`: an IdP that omits it means an active account. */
function withDefaults (data: JsonObject): JsonObject {
  return data.active === undefined ? { ...data, active: true } : data
}

async function save<T> (work: () => Promise<T>, userName: () => unknown): Promise<T> {
  try {
    return await work()
  } catch (err) {
    // RFC 7643 §4.1.1: userName is unique per tenant, whatever its case.
    if (isUniqueViolation(err, 'users_user_name_lower')) throw ScimError.of('uniqueness', `userName ${String(userName())} is already taken`)
    throw err
  }
}

/** A user and its groups, for provisioning (issue 5) inside its own transaction. */
export async function loadUserWithGroups (db: Executor, tenantId: string, id: string): Promise<UserRecord | undefined> {
  if (!isUuid(id)) return undefined
  const user = await findUser(db, tenantId, id)
  if (user) user.groups = (await groupsOfUsers(db, tenantId, [id])).get(id) ?? []
  return user
}

/**
 * SCIM Users (RFC 7644 §3): validation, SCIM rules and one transaction per write, in which the
 * access-change sink hears about every user whose access may have changed.
 */
export function createUsersService (deps: DirectoryDeps, type: ResourceTypeDefinition = userResourceType) {
  const { db, accessChanges } = deps

  async function locked (trx: Executor, tenantId: string, id: string, ifMatch: string | undefined): Promise<UserRecord> {
    const user = isUuid(id) ? await findUser(trx, tenantId, id, { forUpdate: true }) : undefined
    if (!user) throw notFound(id)
    checkIfMatch(ifMatch, user.version)
    return user
  }

  return {
    type,

    async get (tenantId: string, id: string, options: { withGroups?: boolean } = {}): Promise<UserRecord> {
      const user = options.withGroups ? await loadUserWithGroups(db, tenantId, id) : isUuid(id) ? await findUser(db, tenantId, id) : undefined
      if (!user) throw notFound(id)
      return user
    },

    /** The user's direct groups (the readOnly `groups` attribute). */
    async groupsOf (tenantId: string, id: string): Promise<GroupRef[]> {
      return (await groupsOfUsers(db, tenantId, [id])).get(id) ?? []
    },

    /** RFC 7644 §3.4.2: filter, sort and page in SQL; `count` 0 reads the total only. */
    async list (tenantId: string, request: ListRequest, options: { withGroups?: boolean } = {}): Promise<ListResult<UserRecord>> {
      const filter = request.filter === undefined ? undefined : parseFilter(type, request.filter)
      const sort = request.sortBy ? { attr: resolveSort(type, request.sortBy), descending: request.descending === true } : undefined
      if (request.count === 0) return { totalResults: await countUsers(db, tenantId, filter), items: [] }
      const offset = request.startIndex - 1
      const items = await listUsers(db, tenantId, { filter, sort, offset, limit: request.count })
      // A page that is not full and not past the end is the last page, so its length gives the
      // total without a second statement: the common `userName eq` lookup costs one query.
      const lastPage = items.length < request.count && (items.length > 0 || offset === 0)
      const totalResults = lastPage ? offset + items.length : await countUsers(db, tenantId, filter)
      if (options.withGroups) {
        const groups = await groupsOfUsers(db, tenantId, items.map((u) => u.id))
        for (const user of items) user.groups = groups.get(user.id) ?? []
      }
      return { totalResults, items }
    },

    async create (tenantId: string, body: unknown): Promise<UserRecord> {
      const data = withDefaults(normalizeResource(type, body))
      checkRequired(type, data)
      return save(() => db.transaction().execute(async (trx) => {
        const user = await insertUser(trx, tenantId, data)
        await accessChanges.usersChanged(trx, tenantId, [user.id])
        return user
      }), () => data.userName)
    },

    /** RFC 7644 §3.5.1: full replace; readOnly values in the body are ignored. */
    async replace (tenantId: string, id: string, body: unknown, ifMatch?: string): Promise<UserRecord> {
      const data = withDefaults(normalizeResource(type, body))
      checkRequired(type, data)
      return save(() => db.transaction().execute(async (trx) => {
        await locked(trx, tenantId, id, ifMatch)
        const user = await updateUser(trx, tenantId, id, data)
        await accessChanges.usersChanged(trx, tenantId, [id])
        return user
      }), () => data.userName)
    },

    /** RFC 7644 §3.5.2: all operations or none, applied under the row lock. */
    async patch (tenantId: string, id: string, operations: readonly PatchOperationInput[], ifMatch?: string): Promise<UserRecord> {
      let userName: unknown
      return save(() => db.transaction().execute(async (trx) => {
        const current = await locked(trx, tenantId, id, ifMatch)
        const { data } = applyPatch(type, current.data, operations, { id })
        userName = data.userName
        const user = await updateUser(trx, tenantId, id, withDefaults(data))
        await accessChanges.usersChanged(trx, tenantId, [id])
        return user
      }), () => userName)
    },

    /** RFC 7644 §3.6; the sink hears first, while the row and its memberships still exist. */
    async delete (tenantId: string, id: string, ifMatch?: string): Promise<void> {
      await db.transaction().execute(async (trx) => {
        await locked(trx, tenantId, id, ifMatch)
        await accessChanges.usersChanged(trx, tenantId, [id])
        await deleteUser(trx, tenantId, id)
      })
    }
  }
}

export type UsersService = ReturnType<typeof createUsersService>
