import type { Transaction } from 'kysely'
import type { DB } from '../db/schema.js'
import type { AssetType } from '../meta/index.js'
import type { MatchedPerson, MetaAssignment, MetaPartner, MetaPerson, UnreadableAsset } from './snapshot-types.js'
import type { Executor } from '../db/executor.js'

// The tenant's Meta directory snapshot: replaced as a whole inside the sync's transaction, so a
// reader sees the last run or the one before, never a mix.

const CHUNK = 500
const TABLES = ['meta_directory_people', 'meta_directory_partners', 'meta_directory_assets', 'meta_directory_assignments'] as const

async function insertChunks<T> (rows: T[], insert: (chunk: T[]) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < rows.length; i += CHUNK) await insert(rows.slice(i, i + CHUNK))
}

export interface StoredSnapshot {
  runId: string
  businessId: string
  takenAt: Date
  people: MatchedPerson[]
  partners: MetaPartner[]
  assignments: MetaAssignment[]
  unreadableAssets: UnreadableAsset[]
}

export async function replaceSnapshot (trx: Transaction<DB>, tenantId: string, runId: string, s: {
  businessId: string, takenAt: Date, people: MatchedPerson[], partners: MetaPartner[], assets: Array<{ assetType: string, assetId: string, relation: 'owned' | 'client', name: string | null }>, assignments: MetaAssignment[], unreadableAssets?: UnreadableAsset[]
}): Promise<void> {
  const unreadable = new Map((s.unreadableAssets ?? []).map((a) => [`${a.assetType}:${a.assetId}`, a]))
  for (const table of TABLES) await trx.deleteFrom(table).where('tenant_id', '=', tenantId).execute()
  await trx.insertInto('meta_directory_snapshots')
    .values({ tenant_id: tenantId, run_id: runId, business_id: s.businessId, taken_at: s.takenAt })
    .onConflict((oc) => oc.column('tenant_id').doUpdateSet({ run_id: runId, business_id: s.businessId, taken_at: s.takenAt }))
    .execute()
  await insertChunks(s.people, (chunk) => trx.insertInto('meta_directory_people').values(chunk.map((p) => ({
    tenant_id: tenantId,
    kind: p.kind,
    meta_id: p.metaId,
    email: p.email,
    name: p.name,
    role: p.role,
    tasks: JSON.stringify(p.tasks),
    finance_permission: p.financePermission,
    ip_permission: p.ipPermission,
    invite_status: p.inviteStatus,
    invited_user_type: JSON.stringify(p.invitedUserType),
    work_account: p.workAccount,
    marked_for_removal: p.markedForRemoval,
    invited_at: p.invitedAt,
    expires_at: p.expiresAt,
    matched_user_id: p.matchedUserId,
    primary_match: p.primaryMatch
  }))).execute())
  await insertChunks(s.partners, (chunk) => trx.insertInto('meta_directory_partners').values(chunk.map((p) => ({
    tenant_id: tenantId, kind: p.kind, meta_id: p.metaId, name: p.name, permissions: JSON.stringify(p.permissions)
  }))).execute())
  await insertChunks(s.assets, (chunk) => trx.insertInto('meta_directory_assets').values(chunk.map((a) => {
    const u = unreadable.get(`${a.assetType}:${a.assetId}`)
    return {
      tenant_id: tenantId,
      asset_type: a.assetType,
      asset_id: a.assetId,
      relation: a.relation,
      name: a.name,
      unreadable_class: u?.errorClass ?? null,
      unreadable_code: u?.errorCode ?? null,
      unreadable_message: u?.message ?? null
    }
  })).execute())
  await insertChunks(s.assignments, (chunk) => trx.insertInto('meta_directory_assignments').values(chunk.map((a) => ({
    tenant_id: tenantId,
    asset_type: a.assetType,
    asset_id: a.assetId,
    person_id: a.personId,
    user_type: a.userType,
    tasks: JSON.stringify(a.tasks)
  }))).execute())
}

/** The last snapshot of the tenant, or undefined before its first successful sync. */
export async function loadSnapshot (db: Executor, tenantId: string): Promise<StoredSnapshot | undefined> {
  const head = await db.selectFrom('meta_directory_snapshots').selectAll().where('tenant_id', '=', tenantId).executeTakeFirst()
  if (head === undefined) return undefined
  const people = await db.selectFrom('meta_directory_people').selectAll().where('tenant_id', '=', tenantId)
    .orderBy('kind').orderBy('meta_id').execute()
  const partners = await db.selectFrom('meta_directory_partners').selectAll().where('tenant_id', '=', tenantId)
    .orderBy('kind').orderBy('meta_id').execute()
  const unreadable = await db.selectFrom('meta_directory_assets').selectAll().where('tenant_id', '=', tenantId)
    .where('unreadable_class', 'is not', null).orderBy('asset_type').orderBy('asset_id').execute()
  const assignments = await db.selectFrom('meta_directory_assignments').selectAll().where('tenant_id', '=', tenantId)
    .orderBy('asset_id').orderBy('person_id').execute()
  return {
    runId: head.run_id,
    businessId: head.business_id,
    takenAt: head.taken_at,
    people: people.map((p): MatchedPerson => ({
      kind: p.kind,
      metaId: p.meta_id,
      email: p.email,
      name: p.name,
      role: p.role,
      tasks: p.tasks,
      financePermission: p.finance_permission,
      ipPermission: p.ip_permission,
      inviteStatus: p.invite_status,
      invitedUserType: p.invited_user_type,
      workAccount: p.work_account,
      markedForRemoval: p.marked_for_removal,
      invitedAt: p.invited_at,
      expiresAt: p.expires_at,
      matchedUserId: p.matched_user_id,
      primaryMatch: p.primary_match
    })),
    partners: partners.map((p) => ({ kind: p.kind, metaId: p.meta_id, name: p.name, permissions: p.permissions })),
    assignments: assignments.map((a) => ({
      assetType: a.asset_type as AssetType,
      assetId: a.asset_id,
      personId: a.person_id,
      userType: a.user_type,
      tasks: a.tasks
    })),
    unreadableAssets: unreadable.map((a) => ({
      assetType: a.asset_type as AssetType,
      assetId: a.asset_id,
      relation: a.relation,
      name: a.name,
      errorClass: a.unreadable_class ?? 'unknown',
      errorCode: a.unreadable_code,
      message: a.unreadable_message ?? ''
    }))
  }
}

export type { MetaPerson }

/** Ids of the assets in the tenant's snapshot. */
export async function snapshotAssetIds (db: Executor, tenantId: string): Promise<string[]> {
  const rows = await db.selectFrom('meta_directory_assets').select('asset_id')
    .where('tenant_id', '=', tenantId).execute()
  return rows.map((r) => r.asset_id)
}
