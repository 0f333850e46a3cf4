import type { Kysely } from 'kysely'
import type { DB } from '../../db/schema.js'
import { pageUserIds } from '../../directory/users-repository.js'
import { effectiveDryRun, getMetaSettings, type IdentityMode } from '../../tenants/meta-settings.js'
import { desiredForUsers, type DesiredPerson } from './desired-bulk.js'
import type { Plan } from './reconcile-types.js'
import { emptyRecord, findPeople, type PersonRecord } from '../records/people-repository.js'
import { plan } from './plan.js'

export interface PersonPreview extends DesiredPerson {
  userId: string
  observed: PersonRecord
  plan: Plan
}

export interface TenantPlanPreview {
  identityMode: IdentityMode
  dryRun: boolean
  people: PersonPreview[]
  /** Pass as `afterUserId` for the next page; null on the last. */
  nextAfter: string | null
}

/**
 * What the engine would do for a page of the tenant's users (the admin API's "preview"), from
 * the bridge's own record: no Meta call, nothing written. The worker looks emails up in Meta
 * before inviting, so a previewed invite may turn out to be an adoption.
 */
export async function previewTenantPlan (
  db: Kysely<DB>, tenantId: string, options: { userIds?: readonly string[], afterUserId?: string, limit?: number } = {}
): Promise<TenantPlanPreview> {
  const settings = await getMetaSettings(db, tenantId)
  const limit = Math.min(Math.max(options.limit ?? 100, 1), 1000)
  let ids: string[]
  if (options.userIds !== undefined) ids = [...options.userIds]
  else ids = await pageUserIds(db, tenantId, limit + 1, options.afterUserId)
  const more = options.userIds === undefined && ids.length > limit
  if (more) ids = ids.slice(0, limit)
  const desired = await desiredForUsers(db, tenantId, ids)
  const records = await findPeople(db, tenantId, ids)
  const people = ids.map((userId) => {
    const d = desired.get(userId) ?? { desired: { role: null, assets: [], why: 'the user was deleted' }, email: null }
    const observed = records.get(userId) ?? emptyRecord(tenantId, userId)
    const email = d.email ?? observed.email
    return {
      userId,
      ...d,
      email,
      observed,
      plan: plan({
        desired: d.desired,
        observed,
        mode: settings.identityMode,
        email,
        inviteType: settings.inviteType,
        workAccountsInvite: settings.workAccountsInvite
      })
    }
  })
  return {
    identityMode: settings.identityMode,
    dryRun: effectiveDryRun(settings),
    people,
    nextAfter: more ? (ids[ids.length - 1] ?? null) : null
  }
}
