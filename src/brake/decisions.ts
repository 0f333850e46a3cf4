import type { Kysely, Transaction } from 'kysely'
import type { DB } from '../db/schema.js'
import { writeAudit, type AuditEvent } from '../provisioning/records/audit-repository.js'
import type { ReconcileQueue } from '../provisioning/jobs/queue.js'
import { enqueueUnmanagedRemovals, type UnmanagedJob } from '../provisioning/engine/unmanaged-removal.js'
import { lockBrake, updateBrakeSettings } from './brake-repository.js'
import { decideHeld, deleteHeldByIds, heldForDecision, releaseIfClear } from './held-repository.js'
import type { BrakeSettings } from './settings.js'
import type { HeldRemovalRow } from './tables.js'

/** Which held actions an admin decides on. */
export type Selection = { all: true } | { ids: readonly string[] }

export class UnknownHeldError extends Error {
  override name = 'UnknownHeldError'
  constructor (readonly ids: string[]) {
    super(`no held removal with id ${ids.join(', ')} in this tenant`)
  }
}

export interface DecisionDeps {
  db: Kysely<DB>
  queue: ReconcileQueue
  now?: () => Date
}

/** Locks the brake row (as the gate does) and picks the held actions; unknown ids fail the whole call. */
async function pick (trx: Transaction<DB>, tenantId: string, selection: Selection): Promise<HeldRemovalRow[]> {
  await lockBrake(trx, tenantId)
  if ('ids' in selection && selection.ids.length === 0) return []
  const rows = await heldForDecision(trx, tenantId, 'ids' in selection ? selection.ids : undefined)
  if ('ids' in selection) {
    const found = new Set(rows.map((r) => r.id))
    const missing = selection.ids.filter((id) => !found.has(id))
    if (missing.length > 0) throw new UnknownHeldError(missing)
  }
  return rows
}

function decisionAudit (row: HeldRemovalRow, actor: string, action: string, outcome: AuditEvent['outcome'], message: string): AuditEvent {
  return {
    tenantId: row.tenant_id,
    actor,
    userId: row.user_id,
    email: row.email,
    action,
    reason: row.cause,
    outcome,
    message,
    detail: { heldId: row.id, heldAction: row.action, step: row.step }
  }
}

function unmanagedJob (row: HeldRemovalRow): UnmanagedJob | undefined {
  const step = row.step as { kind?: string, businessUserId?: string, inviteId?: string }
  if (step.kind === 'remove' && step.businessUserId !== undefined) return { tenantId: row.tenant_id, kind: 'member', metaId: step.businessUserId, email: row.email, cause: row.cause }
  if (step.kind === 'cancel_invite' && step.inviteId !== undefined) return { tenantId: row.tenant_id, kind: 'invite', metaId: step.inviteId, email: row.email, cause: row.cause }
  return undefined
}

/**
 * Approved removals run through the normal engine: a SCIM user's is marked approved (the gate
 * lets it through once) and the person reconciled; an unmanaged one is queued as the sync would.
 */
export async function approveHeld (
  deps: DecisionDeps, tenantId: string, selection: Selection, actor: string
): Promise<HeldRemovalRow[]> {
  const at = (deps.now ?? (() => new Date()))()
  return await deps.db.transaction().execute(async (trx) => {
    const rows = await pick(trx, tenantId, selection)
    if (rows.length === 0) return rows
    const users = rows.filter((r) => r.user_id !== null)
    const unmanaged = rows.filter((r) => r.user_id === null)
    if (users.length > 0) {
      await decideHeld(trx, users.map((r) => r.id), 'approved', actor, at)
      await deps.queue.enqueueUsers(trx, tenantId, users.map((r) => r.user_id ?? ''), `removal approved by ${actor}`)
    }
    if (unmanaged.length > 0) {
      await deleteHeldByIds(trx, unmanaged.map((r) => r.id))
      await enqueueUnmanagedRemovals(deps.queue.boss, trx, unmanaged.flatMap((r) => unmanagedJob(r) ?? []))
    }
    await writeAudit(trx, rows.map((r) => decisionAudit(r, actor, 'removal_approved', 'applied', `${r.action} approved by ${actor}`)))
    await releaseIfClear(trx, tenantId)
    return rows
  })
}

/**
 * Rejected removals are dropped: the people stay and show as drift. The row stays as
 * `rejected` so the next reconcile does not hold (or count) the same removal again; it goes
 * when the person is entitled again, and a later removal is then a new one.
 */
export async function rejectHeld (
  deps: DecisionDeps, tenantId: string, selection: Selection, actor: string
): Promise<HeldRemovalRow[]> {
  const at = (deps.now ?? (() => new Date()))()
  return await deps.db.transaction().execute(async (trx) => {
    const rows = await pick(trx, tenantId, selection)
    if (rows.length === 0) return rows
    await decideHeld(trx, rows.map((r) => r.id), 'rejected', actor, at)
    await writeAudit(trx, rows.map((r) => decisionAudit(r, actor, 'removal_rejected', 'skipped', `${r.action} rejected by ${actor}; the person stays`)))
    await releaseIfClear(trx, tenantId)
    return rows
  })
}

export async function changeBudget (
  db: Kysely<DB>, tenantId: string, patch: Partial<BrakeSettings>, actor: string
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const row = await updateBrakeSettings(trx, tenantId, patch)
    await writeAudit(trx, {
      tenantId,
      actor,
      action: 'removal_budget_changed',
      reason: 'admin changed the removal budget',
      outcome: 'applied',
      detail: { budgetCount: row.budget_count, budgetPercent: row.budget_percent, windowSeconds: row.window_seconds }
    })
  })
}
