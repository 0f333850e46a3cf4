import { ScimError } from '../scim/errors.js'
import { applyPatch } from '../scim/patch/apply.js'
import type { PatchOperationInput } from '../scim/patch/operations.js'
import type { JsonObject } from '../scim/resource/json.js'
import { checkRequired, normalizeResource } from '../scim/resource/normalize.js'
import { checkResourceLimits } from '../scim/resource/size-limits.js'
import type { ListRequest, ListResult, ResourceService } from '../scim/resource-service.js'
import { userResourceType, type ResourceTypeDefinition } from '../scim/schemas/resource-types.js'
import { checkIfMatch, type DirectoryDeps } from './common.js'
import { isUniqueViolation, isUuid } from './db-errors.js'
import { readPage } from './paging.js'
import type { UserRecord } from './records.js'
import type { ReadOnlyUserExtension } from './user-extensions.js'
import {
  countUsers, deleteUser, findUser, insertUser, listUsers, updateUser, type UserIncludes
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

/** A user and its groups, for provisioning inside its own transaction. */
export async function loadUserWithGroups (db: Executor, tenantId: string, id: string): Promise<UserRecord | undefined> {
  if (!isUuid(id)) return undefined
  return findUser(db, tenantId, id, { include: { groups: true } })
}

/**
 * SCIM Users (RFC 7644 §3): validation, SCIM rules and one transaction per write, in which the
 * access-change sink hears about every user whose access may have changed. Every read and
 * write returns the user with its groups (`withGroups`: when the answer shows them, RFC 7644
 * §3.9) and its read-only extension blocks from the same statement.
 */
export function createUsersService (
  deps: DirectoryDeps,
  type: ResourceTypeDefinition = userResourceType,
  extensions: readonly ReadOnlyUserExtension[] = []
): ResourceService<UserRecord> {
  const { db, accessChanges } = deps
  const includes = (withGroups: boolean): UserIncludes => ({ groups: withGroups, extensions })

  async function locked (
    trx: Executor, tenantId: string, id: string, ifMatch: string | undefined
  ): Promise<UserRecord> {
    const user = isUuid(id) ? await findUser(trx, tenantId, id, { forUpdate: true }) : undefined
    if (!user) throw notFound(id)
    checkIfMatch(ifMatch, user.version)
    return user
  }

  return {
    async get (tenantId: string, id: string, withGroups = false): Promise<UserRecord> {
      const user = isUuid(id) ? await findUser(db, tenantId, id, { include: includes(withGroups) }) : undefined
      if (!user) throw notFound(id)
      return user
    },

    async list (tenantId: string, request: ListRequest, withGroups = false): Promise<ListResult<UserRecord>> {
      return readPage(type, request, {
        page: async (query) => listUsers(db, tenantId, query, includes(withGroups)),
        count: async (filter) => countUsers(db, tenantId, filter)
      })
    },

    /** A new user belongs to no group yet (`groups` is readOnly, RFC 7643 §4.1.2): never read. */
    async create (tenantId: string, body: unknown, withGroups = false): Promise<UserRecord> {
      const data = withDefaults(normalizeResource(type, body))
      checkRequired(type, data)
      checkResourceLimits(data)
      const { insertedUserStatement } = accessChanges
      if (insertedUserStatement !== undefined) {
        // One statement writes the user and enqueues its reconcile (the IdP's hot path: an
        // import is thousands of these, bench/findings.md).
        const insert = async (): Promise<UserRecord> =>
          await insertUser(db, tenantId, data, { extensions }, insertedUserStatement)
        const user = await save(insert, () => data.userName)
        if (withGroups) user.groups = []
        return user
      }
      return save(() => db.transaction().execute(async (trx) => {
        const user = await insertUser(trx, tenantId, data, { extensions })
        if (withGroups) user.groups = []
        await accessChanges.usersChanged(trx, tenantId, [user.id])
        return user
      }), () => data.userName)
    },

    /** RFC 7644 §3.5.1: full replace; readOnly values in the body are ignored. */
    async replace (
      tenantId: string, id: string, body: unknown, ifMatch?: string, withGroups = false
    ): Promise<UserRecord> {
      const data = withDefaults(normalizeResource(type, body))
      checkRequired(type, data)
      checkResourceLimits(data)
      return save(() => db.transaction().execute(async (trx) => {
        await locked(trx, tenantId, id, ifMatch)
        const user = await updateUser(trx, tenantId, id, data, includes(withGroups))
        await accessChanges.usersChanged(trx, tenantId, [id])
        return user
      }), () => data.userName)
    },

    /** RFC 7644 §3.5.2: all operations or none, applied under the row lock. */
    async patch (
      tenantId: string, id: string, operations: readonly PatchOperationInput[], ifMatch?: string, withGroups = false
    ): Promise<UserRecord> {
      let userName: unknown
      return save(() => db.transaction().execute(async (trx) => {
        const current = await locked(trx, tenantId, id, ifMatch)
        const { data } = applyPatch(type, current.data, operations, { id })
        userName = data.userName
        checkResourceLimits(data)
        const user = await updateUser(trx, tenantId, id, withDefaults(data), includes(withGroups))
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
