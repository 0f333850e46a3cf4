import type { Kysely } from 'kysely'
import type { DB } from '../db/schema.js'
import { desiredForUsers } from '../provisioning/engine/desired-bulk.js'
import { findUserSummary } from '../directory/users-repository.js'
import { emptyRecord, findPeople, pageUsersByState, type PeopleFilter, type PersonRecord } from '../provisioning/records/people-repository.js'
import type { DesiredResult } from '../provisioning/engine/desired.js'

export interface PersonRow {
  user: { id: string, userName: string, active: boolean }
  email: string | null
  desired: DesiredResult
  observed: PersonRecord
}

/**
 * Entitled (a desired role) but not a member yet: since when, counted from the bridge's first
 * record of the person. In work_accounts mode this is how long Meta's side has not added them.
 */
function waitingOf (p: PersonRow, now: Date): { since: Date, seconds: number, state: string } | null {
  const o = p.observed
  const since = o.createdAt ?? null
  if (p.desired.role === null || o.state === 'member' || since === null) return null
  return { since, seconds: Math.max(0, Math.floor((now.getTime() - since.getTime()) / 1000)), state: o.state }
}

export function personView (p: PersonRow, now = new Date()) {
  const o = p.observed
  return {
    user_id: p.user.id,
    user_name: p.user.userName,
    active: p.user.active,
    email: p.email ?? o.email,
    desired: { role: p.desired.role, assets: p.desired.assets, why: p.desired.why },
    observed: {
      state: o.state,
      role: o.role,
      assets: o.assets,
      invite_id: o.inviteId,
      business_user_id: o.businessUserId,
      /** Write-ahead mark of an invitation whose outcome is not recorded yet (looked up before any new one). */
      invite_attempted_at: o.inviteAttemptedAt,
      updated_at: o.updatedAt,
      manual_steps: o.manualSteps.map((m) => ({
        action: m.action, asset_type: m.assetType, asset_id: m.assetId, instruction: m.instruction
      }))
    },
    last_error: o.lastError === null ? null : { message: o.lastError, code: o.lastErrorCode, trace_id: o.lastTraceId },
    waiting: waitingOf(p, now)
  }
}

async function describe (
  db: Kysely<DB>, tenantId: string, users: Array<{ id: string, user_name: string, active: boolean }>
): Promise<PersonRow[]> {
  const ids = users.map((u) => u.id)
  const desired = await desiredForUsers(db, tenantId, ids)
  const records = await findPeople(db, tenantId, ids)
  return users.map((u) => {
    const d = desired.get(u.id)
    return {
      user: { id: u.id, userName: u.user_name, active: u.active },
      email: d?.email ?? null,
      desired: d?.desired ?? { role: null, assets: [], why: 'the user was deleted' },
      observed: records.get(u.id) ?? emptyRecord(tenantId, u.id)
    }
  })
}

export type { PeopleFilter }

/** SCIM users of a tenant with their desired and observed access, filtered, ordered by userName, paged. */
export async function listPeople (
  db: Kysely<DB>, tenantId: string, q: PeopleFilter & { limit: number, offset: number }
): Promise<{ rows: PersonRow[], total: number }> {
  const { users, total } = await pageUsersByState(db, tenantId, q)
  return { rows: await describe(db, tenantId, users), total }
}

export async function getPerson (db: Kysely<DB>, tenantId: string, userId: string): Promise<PersonRow | undefined> {
  const user = await findUserSummary(db, tenantId, userId)
  if (user === undefined) return undefined
  return (await describe(db, tenantId, [user]))[0]
}
