import type { Kysely } from 'kysely'
import type { DB } from '../../db/schema.js'
import { findUserRows, groupsOfUsers } from '../../directory/users-repository.js'
import type { BusinessRole } from '../../meta/index.js'
import { listAccessRules } from '../../tenants/access-rules-repository.js'
import { getMetaSettings } from '../../tenants/meta-settings.js'
import { desiredAccess, emailOf, type DesiredResult } from './desired.js'

export interface DesiredPerson {
  desired: DesiredResult
  email: string | null
}

/**
 * Desired access of many users in three queries (users, their groups, the rules), for the sync
 * and the plan preview; users that do not exist come back as deleted (no access).
 */
export async function desiredForUsers (
  db: Kysely<DB>, tenantId: string, userIds: readonly string[]
): Promise<Map<string, DesiredPerson>> {
  const out = new Map<string, DesiredPerson>()
  if (userIds.length === 0) return out
  const settings = await getMetaSettings(db, tenantId)
  const rules = await listAccessRules(db, tenantId)
  const ids = [...new Set(userIds)]
  const users = await findUserRows(db, tenantId, ids)
  const groups = await groupsOfUsers(db, tenantId, users.map((u) => u.id))
  const byId = new Map(users.map((u) => [u.id, u]))
  for (const id of ids) {
    const user = byId.get(id)
    const facts = user === undefined
      ? undefined
      : { active: user.active, roles: user.data.roles, groupNames: (groups.get(id) ?? []).map((g) => g.displayName) }
    out.set(id, {
      desired: desiredAccess(facts, rules, settings.defaultRole as BusinessRole | null),
      email: user === undefined ? null : emailOf(user.data, user.user_name)
    })
  }
  return out
}
