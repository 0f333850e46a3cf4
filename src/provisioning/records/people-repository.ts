import { sql } from 'kysely'
import type { AssetType, BusinessRole } from '../../meta/index.js'
import type { AssetAccess, ManualStep, ObservedAccess } from '../engine/reconcile-types.js'
import { readStoredPlan, type StoredPlan } from './stored-plan.js'
import type { MetaPersonRow, PersonState } from './tables.js'
import type { Executor } from '../../db/executor.js'

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
    manualSteps: (row.manual_steps ?? []).map((m) => ({ action: m.action, assetType: m.assetType as AssetType, assetId: m.assetId, instruction: m.instruction })),
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

export async function findPeople (db: Executor, tenantId: string, userIds: readonly string[]): Promise<Map<string, PersonRecord>> {
  if (userIds.length === 0) return new Map()
  const rows = await db.selectFrom('meta_people').selectAll().where('tenant_id', '=', tenantId)
    .where(sql<boolean>`user_id = any(${[...userIds]}::uuid[])`).execute()
  return new Map(rows.map((r) => [r.user_id, toRecord(r)]))
}

export async function peopleInState (db: Executor, tenantId: string, states: readonly PersonState[]): Promise<PersonRecord[]> {
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
 * Writes a patch if the record is still at `expectedVersion` (0: there must be no row), so a
 * reconcile working from an old read never overwrites what another writer learnt meanwhile.
 * Answers the record as written.
 */
export async function savePerson (db: Executor, tenantId: string, userId: string, patch: PersonPatch, expectedVersion: number): Promise<PersonRecord> {
  const values = columns(patch)
  if (expectedVersion === 0) {
    const row = await db.insertInto('meta_people')
      .values({ tenant_id: tenantId, user_id: userId, assets: '[]', state: 'none', ...values })
      .onConflict((oc) => oc.columns(['tenant_id', 'user_id']).doNothing())
      .returningAll().executeTakeFirst()
    if (row === undefined) throw new StaleRecordError(`meta_people ${userId} was created by another writer`)
    return toRecord(row)
  }
  const row = await db.updateTable('meta_people')
    .set({ ...values, version: sql`version + 1`, updated_at: sql`now()` })
    .where('tenant_id', '=', tenantId).where('user_id', '=', userId).where('version', '=', expectedVersion)
    .returningAll().executeTakeFirst()
  if (row === undefined) throw new StaleRecordError(`meta_people ${userId} changed since version ${expectedVersion}`)
  return toRecord(row)
}
