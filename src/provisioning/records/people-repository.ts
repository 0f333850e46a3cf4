import { sql, type RawBuilder } from 'kysely'
import type { AssetType, BusinessRole } from '../../meta/index.js'
import type { AssetAccess, ManualStep, ObservedAccess } from '../engine/reconcile-types.js'
import { readStoredPlan, type StoredPlan } from './stored-plan.js'
import type { MetaPersonRow, PersonState } from './tables.js'
import type { Executor } from '../../db/executor.js'
import type { UserRowRef } from '../../directory/user-extensions.js'
import { auditRow, type AuditEvent } from './audit-repository.js'

/** A person's record: the observed access plus what the last reconcile found. */
export interface PersonRecord extends ObservedAccess {
  tenantId: string
  userId: string
  email: string | null
  lastError: string | null
  lastErrorCode: number | null
  lastTraceId: string | null
  lastPlan: StoredPlan | null
  inviteAttemptedAt: Date | null
  /** Changes Meta's API cannot make, shown until a read shows them done by hand. */
  manualSteps: ManualStep[]
  /** 0 when there is no row yet. */
  version: number
  /** When the bridge first recorded this person (null: no row yet). */
  createdAt?: Date | null
  updatedAt: Date | null
}

/** Fields a writer changes; anything left out keeps its value. */
export type PersonPatch = Partial<Pick<PersonRecord, 'email' | 'inviteId' | 'businessUserId' | 'role' | 'assets' | 'state' | 'lastError' | 'lastErrorCode' | 'lastTraceId' | 'lastPlan' | 'inviteAttemptedAt' | 'manualSteps'>>

/** Another writer (the acceptance poll, the sync, an admin) changed the record first. */
export class StaleRecordError extends Error {
  override name = 'StaleRecordError'
}

function toRecord (row: MetaPersonRow): PersonRecord {
  return {
    tenantId: row.tenant_id,
    userId: row.user_id,
    email: row.email,
    inviteId: row.invite_id,
    businessUserId: row.business_user_id,
    role: row.role as BusinessRole | null,
    assets: row.assets.map((a) => ({
      assetType: a.assetType as AssetType,
      assetId: a.assetId,
      tasks: [...a.tasks],
      ...(Array.isArray(a.narrowed) && a.narrowed.length > 0 ? { narrowed: [...a.narrowed] } : {})
    })),
    state: row.state,
    lastError: row.last_error,
    lastErrorCode: row.last_error_code,
    lastTraceId: row.last_trace_id,
    lastPlan: readStoredPlan(row.last_plan),
    inviteAttemptedAt: row.invite_attempted_at,
    manualSteps: (row.manual_steps ?? []).map((m) => ({
      action: m.action, assetType: m.assetType as AssetType, assetId: m.assetId, instruction: m.instruction
    })),
    version: row.version,
    createdAt: row.created_at,
    updatedAt: row.updated_at
  }
}

export function emptyRecord (tenantId: string, userId: string): PersonRecord {
  return {
    tenantId,
    userId,
    email: null,
    inviteId: null,
    businessUserId: null,
    role: null,
    assets: [],
    state: 'none',
    lastError: null,
    lastErrorCode: null,
    lastTraceId: null,
    lastPlan: null,
    inviteAttemptedAt: null,
    manualSteps: [],
    version: 0,
    updatedAt: null
  }
}

export async function findPerson (db: Executor, tenantId: string, userId: string): Promise<PersonRecord | undefined> {
  const row = await db.selectFrom('meta_people').selectAll().where('tenant_id', '=', tenantId).where('user_id', '=', userId).executeTakeFirst()
  return row === undefined ? undefined : toRecord(row)
}

export async function findPeople (
  db: Executor, tenantId: string, userIds: readonly string[]
): Promise<Map<string, PersonRecord>> {
  if (userIds.length === 0) return new Map()
  const rows = await db.selectFrom('meta_people').selectAll().where('tenant_id', '=', tenantId)
    .where(sql<boolean>`user_id = any(${[...userIds]}::uuid[])`).execute()
  return new Map(rows.map((r) => [r.user_id, toRecord(r)]))
}

export async function peopleInState (
  db: Executor, tenantId: string, states: readonly PersonState[]
): Promise<PersonRecord[]> {
  const rows = await db.selectFrom('meta_people').selectAll().where('tenant_id', '=', tenantId)
    .where('state', 'in', [...states]).orderBy('user_id').execute()
  return rows.map(toRecord)
}

const sortAssets = (assets: readonly AssetAccess[]): AssetAccess[] =>
  [...assets].sort((a, b) => a.assetType.localeCompare(b.assetType) || a.assetId.localeCompare(b.assetId))

function columns (patch: PersonPatch): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  if (patch.email !== undefined) out.email = patch.email
  if (patch.inviteId !== undefined) out.invite_id = patch.inviteId
  if (patch.businessUserId !== undefined) out.business_user_id = patch.businessUserId
  if (patch.role !== undefined) out.role = patch.role
  if (patch.assets !== undefined) out.assets = JSON.stringify(sortAssets(patch.assets))
  if (patch.state !== undefined) out.state = patch.state
  if (patch.lastError !== undefined) out.last_error = patch.lastError
  if (patch.lastErrorCode !== undefined) out.last_error_code = patch.lastErrorCode
  if (patch.lastTraceId !== undefined) out.last_trace_id = patch.lastTraceId
  if (patch.lastPlan !== undefined) out.last_plan = patch.lastPlan === null ? null : JSON.stringify(patch.lastPlan)
  if (patch.inviteAttemptedAt !== undefined) out.invite_attempted_at = patch.inviteAttemptedAt
  if (patch.manualSteps !== undefined) out.manual_steps = JSON.stringify(patch.manualSteps)
  return out
}

/**
 * The write of `savePerson`: an INSERT when the record must not exist yet (`expectedVersion` 0),
 * else an UPDATE of that version; either answers the row written, or none.
 */
function personWrite (db: Executor, tenantId: string, userId: string, patch: PersonPatch, expectedVersion: number) {
  const values = columns(patch)
  return expectedVersion === 0
    ? db.insertInto('meta_people')
      .values({ tenant_id: tenantId, user_id: userId, assets: '[]', state: 'none', ...values })
      .onConflict((oc) => oc.columns(['tenant_id', 'user_id']).doNothing())
      .returningAll()
    : db.updateTable('meta_people')
      .set({ ...values, version: sql`version + 1`, updated_at: sql`now()` })
      .where('tenant_id', '=', tenantId).where('user_id', '=', userId).where('version', '=', expectedVersion)
      .returningAll()
}

function recordOrStale (row: MetaPersonRow | undefined, userId: string, expectedVersion: number): PersonRecord {
  if (row !== undefined) return toRecord(row)
  throw new StaleRecordError(expectedVersion === 0
    ? `meta_people ${userId} was created by another writer`
    : `meta_people ${userId} changed since version ${expectedVersion}`)
}

/**
 * Writes a patch if the record is still at `expectedVersion` (0: there must be no row), so a
 * reconcile working from an old read never overwrites what another writer learnt meanwhile.
 * Answers the record as written.
 */
export async function savePerson (
  db: Executor, tenantId: string, userId: string, patch: PersonPatch, expectedVersion: number
): Promise<PersonRecord> {
  const row = await personWrite(db, tenantId, userId, patch, expectedVersion).executeTakeFirst()
  return recordOrStale(row, userId, expectedVersion)
}

/** The audit event's columns and types: bound in a SELECT list, its values have no other type. */
const AUDIT_COLUMN_TYPES = {
  tenant_id: 'uuid',
  actor: 'text',
  user_id: 'uuid',
  email: 'text',
  action: 'text',
  reason: 'text',
  outcome: 'text',
  detail: 'jsonb',
  meta_trace_id: 'text',
  error_code: 'integer',
  message: 'text'
} as const
type AuditColumn = keyof typeof AUDIT_COLUMN_TYPES

/**
 * `savePerson` together with an audit event, in one statement: the event is written exactly
 * when the record is (a record changed underneath writes neither and throws
 * `StaleRecordError`), and a crash cannot leave one without the other. One round trip instead
 * of two after every step Meta accepted (bench/findings.md).
 */
export async function savePersonAudited (
  db: Executor, tenantId: string, userId: string, patch: PersonPatch, expectedVersion: number, event: AuditEvent
): Promise<PersonRecord> {
  const e = auditRow(event)
  const names = Object.keys(AUDIT_COLUMN_TYPES) as AuditColumn[]
  const row = await db
    .with('written', () => personWrite(db, tenantId, userId, patch, expectedVersion))
    .with('audited', (qb) => qb.insertInto('audit_events').columns(names)
      .expression((eb) => eb.selectFrom('written')
        .select(names.map((c) => sql`${e[c]}::${sql.raw(AUDIT_COLUMN_TYPES[c])}`.as(c)))))
    .selectFrom('written').selectAll().executeTakeFirst()
  return recordOrStale(row as MetaPersonRow | undefined, userId, expectedVersion)
}

/** People the bridge manages in Meta (a member or an invitation), which the removal budget counts. */
export async function countManagedMembers (db: Executor, tenantId: string): Promise<number> {
  const row = await db.selectFrom('meta_people').select((eb) => eb.fn.countAll<string>().as('n'))
    .where('tenant_id', '=', tenantId)
    .where((eb) => eb.or([eb('business_user_id', 'is not', null), eb('invite_id', 'is not', null)]))
    .executeTakeFirstOrThrow()
  return Number(row.n)
}

/** Users whose last reconcile failed for good. */
export async function failedPeopleIds (db: Executor, tenantId: string): Promise<string[]> {
  const rows = await db.selectFrom('meta_people').select('user_id')
    .where('tenant_id', '=', tenantId).where('state', '=', 'failed').execute()
  return rows.map((r) => r.user_id)
}

export async function countFailedPeople (db: Executor, tenantId: string): Promise<number> {
  const row = await db.selectFrom('meta_people').select((eb) => eb.fn.countAll<string | number>().as('n'))
    .where('tenant_id', '=', tenantId).where('state', '=', 'failed').executeTakeFirstOrThrow()
  return Number(row.n)
}

/** Which of a tenant's SCIM users a people list shows (the admin API and the console). */
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

/**
 * A page of the tenant's SCIM users by userName with their person state (no record reads as
 * `none`), filtered as the people list asks.
 */
export async function pageUsersByState (
  db: Executor, tenantId: string, q: PeopleFilter & { limit: number, offset: number }
): Promise<{ users: Array<{ id: string, user_name: string, active: boolean }>, total: number }> {
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
    const group = q.group.toLowerCase()
    base = base.where(({ exists, selectFrom }) => exists(selectFrom('group_members as gm')
      .innerJoin('groups as g', (j) => j.onRef('g.tenant_id', '=', 'gm.tenant_id').onRef('g.id', '=', 'gm.group_id'))
      .select(sql.lit(1).as('one'))
      .where('gm.tenant_id', '=', tenantId).whereRef('gm.member_id', '=', 'u.id')
      .where(sql<boolean>`lower(g.display_name) = ${group}`)))
  }
  if (q.userIds !== undefined) {
    if (q.userIds.length === 0) return { users: [], total: 0 }
    base = base.where('u.id', 'in', [...q.userIds])
  }
  const count = await base.select((eb) => eb.fn.countAll<string | number>().as('n')).executeTakeFirstOrThrow()
  const users = await base.select(['u.id', 'u.user_name', 'u.active'])
    .orderBy(sql`lower(u.user_name)`).orderBy('u.id').limit(q.limit).offset(q.offset).execute()
  return { users, total: Number(count.n) }
}

/** Age in days of each pending invitation, from its last applied invite (else the record's update). */
export async function pendingInvitationAgesDays (db: Executor, tenantId: string, now: Date): Promise<number[]> {
  const ages = await sql<{ age_days: string | number }>`
    select extract(epoch from ${now}::timestamptz - coalesce(max(a.at), p.updated_at)) / 86400 as age_days
    from meta_people p
    left join audit_events a on a.tenant_id = p.tenant_id and a.user_id = p.user_id and a.action = 'invite'
      and a.outcome = 'applied'
    where p.tenant_id = ${tenantId} and p.state = 'invited'
    group by p.user_id, p.updated_at`.execute(db)
  return ages.rows.map((r) => Number(r.age_days))
}

/**
 * The Meta state block of a user: a scalar subquery correlated with the user row
 * (src/directory/user-extensions.ts).
 */
export function metaStateBlockSql (user: UserRowRef): RawBuilder<unknown> {
  return sql`(select json_build_object(
      'state', p.state, 'role', p.role, 'lastError', p.last_error, 'updated', p.updated_at)
    from meta_people p where p.tenant_id = ${user.tenantId} and p.user_id = ${user.id})`
}

/**
 * Across all tenants, for the metrics: manual steps waiting on people's records, and people
 * entitled (the last plan wanted a role) but not members (invited, skipped in work_accounts
 * mode, failed), with the longest such wait counted from the bridge's first record.
 */
export async function waitingPeopleSample (
  db: Executor
): Promise<{ manualSteps: number, waitingPeople: number, longestWaitSeconds: number }> {
  type Count = string | number | null
  const { rows } = await sql<{ manual: Count, waiting: Count, longest: Count }>`
    select
      (select sum(jsonb_array_length(manual_steps)) from meta_people) as manual,
      (select count(*) from meta_people p
        where p.state <> 'member' and p.last_plan->>'role' is not null) as waiting,
      (select max(extract(epoch from now() - p.created_at)) from meta_people p
        where p.state <> 'member' and p.last_plan->>'role' is not null) as longest`.execute(db)
  const row = rows[0]
  return {
    manualSteps: Number(row?.manual ?? 0),
    waitingPeople: Number(row?.waiting ?? 0),
    longestWaitSeconds: Math.max(0, Number(row?.longest ?? 0))
  }
}

/** `(tenant_id, user_id)` of every person the bridge knows in the tenant, as a subquery (the queue's bulk enqueue). */
export function tenantPeopleIdsSql (tenantId: string): RawBuilder<unknown> {
  return sql`select tenant_id, user_id from meta_people where tenant_id = ${tenantId}::uuid`
}
