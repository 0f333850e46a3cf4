import { sql, type Kysely } from 'kysely'
import type { DB } from '../db/schema.js'
import { desiredForUsers } from '../provisioning/desired-bulk.js'
import { emptyRecord, findPeople, type PersonRecord } from '../provisioning/people-repository.js'
import type { DesiredResult } from '../provisioning/desired.js'
import type { PersonState } from '../provisioning/tables.js'

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
      manual_steps: o.manualSteps.map((m) => ({ action: m.action, asset_type: m.assetType, asset_id: m.assetId, instruction: m.instruction }))
    },
    last_error: o.lastError === null ? null : { message: o.lastError, code: o.lastErrorCode, trace_id: o.lastTraceId },
    waiting: waitingOf(p, now)
  }
}

async function describe (db: Kysely<DB>, tenantId: string, users: Array<{ id: string, user_name: string, active: boolean }>): Promise<PersonRow[]> {
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

export interface PeopleFilter {
  /** The bridge's record of the person; no record counts as `none`. */
  state?: PersonState | undefined
  /** Only people whose last reconcile left an error. */
  hasError?: boolean | undefined
  /** Only members of the SCIM group with this display name (any case). */
  group?: string | undefined
  /** userName starts with this (any case); a pattern index serves it. */
  text?: string | undefined
  /** Only these users (e.g. those the drift report names). */
  userIds?: readonly string[] | undefined
}

/** SCIM users of a tenant with their desired and observed access, filtered, ordered by userName, paged. */
export async function listPeople (db: Kysely<DB>, tenantId: string, q: PeopleFilter & { limit: number, offset: number }): Promise<{ rows: PersonRow[], total: number }> {
  let base = db.selectFrom('users as u')
    .leftJoin('meta_people as mp', (j) => j.onRef('mp.tenant_id', '=', 'u.tenant_id').onRef('mp.user_id', '=', 'u.id'))
    .where('u.tenant_id', '=', tenantId)
  if (q.state !== undefined) base = base.where(sql<boolean>`coalesce(mp.state, 'none') = ${q.state}`)
  if (q.hasError === true) base = base.where('mp.last_error', 'is not', null)
  if (q.text !== undefined && q.text !== '') {
    const prefix = q.text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)
    base = base.where(sql<boolean>`lower(u.user_name) like ${`${prefix}%`}`)
  }
  if (q.group !== undefined && q.group !== '') {
    const group = q.group
    base = base.where(({ exists, selectFrom }) => exists(selectFrom('group_members as gm')
      .innerJoin('groups as g', (j) => j.onRef('g.tenant_id', '=', 'gm.tenant_id').onRef('g.id', '=', 'gm.group_id'))
      .select(sql.lit(1).as('one'))
      .where('gm.tenant_id', '=', tenantId).whereRef('gm.member_id', '=', 'u.id')
      .where(sql<boolean>`lower(g.display_name) = ${group.toLowerCase()}`)))
  }
  if (q.userIds !== undefined) {
    if (q.userIds.length === 0) return { rows: [], total: 0 }
    base = base.where('u.id', 'in', [...q.userIds])
  }
  const count = await base.select((eb) => eb.fn.countAll<string | number>().as('n')).executeTakeFirstOrThrow()
  const users = await base.select(['u.id', 'u.user_name', 'u.active'])
    .orderBy(sql`lower(u.user_name)`).orderBy('u.id').limit(q.limit).offset(q.offset).execute()
  return { rows: await describe(db, tenantId, users), total: Number(count.n) }
}

export async function getPerson (db: Kysely<DB>, tenantId: string, userId: string): Promise<PersonRow | undefined> {
  const user = await db.selectFrom('users').select(['id', 'user_name', 'active'])
    .where('tenant_id', '=', tenantId).where('id', '=', userId).executeTakeFirst()
  if (user === undefined) return undefined
  return (await describe(db, tenantId, [user]))[0]
}
