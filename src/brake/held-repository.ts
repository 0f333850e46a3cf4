import { sql } from 'kysely'
import type { Step } from '../provisioning/engine/reconcile-types.js'
import type { RemovalRequest } from '../provisioning/engine/removal-gate.js'
import type { HeldRemovalRow, HeldStatus } from './tables.js'
import type { Executor } from '../db/executor.js'

/** How a held action is named to admins: demotions from admin are their own kind. */
export function actionOf (step: Step): string {
  return step.kind === 'change_role' || step.kind === 'change_invite_role' ? 'demote_admin' : step.kind
}

/** One held removal per person: the SCIM user, or the Meta identity of an unmanaged one. */
export function personKey (request: Pick<RemovalRequest, 'userId' | 'step'>): string {
  if (request.userId !== null) return request.userId
  const { step } = request
  if (step.kind === 'remove') return `unmanaged:member:${step.businessUserId}`
  if (step.kind === 'cancel_invite') return `unmanaged:invite:${step.inviteId}`
  return `unmanaged:${JSON.stringify(step)}`
}

export async function findHeld (db: Executor, tenantId: string, key: string): Promise<HeldRemovalRow | undefined> {
  return await db.selectFrom('held_removals').selectAll().where('tenant_id', '=', tenantId).where('person_key', '=', key).executeTakeFirst()
}

/** One held (undecided) action of a tenant by its id, or undefined. */
export async function findHeldById (db: Executor, tenantId: string, id: string): Promise<HeldRemovalRow | undefined> {
  return await db.selectFrom('held_removals').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id)
    .where('status', '=', 'held').executeTakeFirst()
}

export async function insertHeld (db: Executor, request: RemovalRequest, at: Date): Promise<void> {
  await db.insertInto('held_removals').values({
    tenant_id: request.tenantId,
    person_key: personKey(request),
    user_id: request.userId,
    email: request.email,
    action: actionOf(request.step),
    step: JSON.stringify(request.step),
    cause: request.cause,
    held_at: at
  }).onConflict((oc) => oc.columns(['tenant_id', 'person_key']).doNothing()).execute()
}

/** The step may have changed while held (an invitation accepted meanwhile): keep it current. */
export async function refreshHeld (db: Executor, row: HeldRemovalRow, request: RemovalRequest): Promise<void> {
  await db.updateTable('held_removals').set({ step: JSON.stringify(request.step), action: actionOf(request.step), email: request.email ?? row.email })
    .where('id', '=', row.id).execute()
}

export async function deleteHeld (db: Executor, id: string): Promise<void> {
  await db.deleteFrom('held_removals').where('id', '=', id).execute()
}

export async function countHeld (db: Executor, tenantId: string, status: HeldStatus = 'held'): Promise<number> {
  const row = await db.selectFrom('held_removals').select((eb) => eb.fn.countAll<string>().as('n'))
    .where('tenant_id', '=', tenantId).where('status', '=', status).executeTakeFirstOrThrow()
  return Number(row.n)
}

/** Held actions of a tenant, oldest first (paged). */
export async function listHeld (
  db: Executor, tenantId: string, limit: number, offset: number
): Promise<{ rows: HeldRemovalRow[], total: number }> {
  const rows = await db.selectFrom('held_removals').selectAll().where('tenant_id', '=', tenantId).where('status', '=', 'held')
    .orderBy('held_at').orderBy('id').limit(limit).offset(offset).execute()
  return { rows, total: await countHeld(db, tenantId) }
}

/** With nothing left to decide, the brake lets go; the window still counts what ran. */
export async function releaseIfClear (db: Executor, tenantId: string): Promise<boolean> {
  const result = await db.updateTable('removal_brakes').set({ engaged_at: null, first_cause: null, updated_at: new Date() })
    .where('tenant_id', '=', tenantId).where('engaged_at', 'is not', null)
    .where(({ not, exists, selectFrom }) => not(exists(selectFrom('held_removals').select(sql.lit(1).as('one'))
      .where('held_removals.tenant_id', '=', tenantId).where('held_removals.status', '=', 'held'))))
    .executeTakeFirst()
  return Number(result.numUpdatedRows) > 0
}

/** For the metrics: held actions and braked tenants across all tenants. */
export async function brakeSample (db: Executor): Promise<{ heldRemovals: number, brakedTenants: number }> {
  const held = await db.selectFrom('held_removals').select((eb) => eb.fn.countAll<string>().as('n')).where('status', '=', 'held').executeTakeFirstOrThrow()
  const braked = await db.selectFrom('removal_brakes').select((eb) => eb.fn.countAll<string>().as('n')).where('engaged_at', 'is not', null).executeTakeFirstOrThrow()
  return { heldRemovals: Number(held.n), brakedTenants: Number(braked.n) }
}

/** The tenant's held actions to decide: all of them, or those with these ids (oldest first). */
export async function heldForDecision (
  db: Executor, tenantId: string, ids?: readonly string[]
): Promise<HeldRemovalRow[]> {
  let query = db.selectFrom('held_removals').selectAll().where('tenant_id', '=', tenantId).where('status', '=', 'held')
  if (ids !== undefined) query = query.where('id', 'in', [...ids])
  return await query.orderBy('held_at').execute()
}

/** Records an admin's decision on these held actions. */
export async function decideHeld (
  db: Executor, ids: readonly string[], status: 'approved' | 'rejected', actor: string, at: Date
): Promise<void> {
  await db.updateTable('held_removals').set({ status, decided_by: actor, decided_at: at })
    .where('id', 'in', [...ids]).execute()
}

export async function deleteHeldByIds (db: Executor, ids: readonly string[]): Promise<void> {
  await db.deleteFrom('held_removals').where('id', 'in', [...ids]).execute()
}

/** Drops whatever was held or decided for this person; true when there was something. */
export async function deleteHeldOfPerson (db: Executor, tenantId: string, personKey: string): Promise<boolean> {
  const removed = await db.deleteFrom('held_removals')
    .where('tenant_id', '=', tenantId).where('person_key', '=', personKey).executeTakeFirst()
  return Number(removed.numDeletedRows) > 0
}
