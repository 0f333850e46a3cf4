import type { Executor } from '../db/executor.js'
import type { BrakeSettings } from './settings.js'
import type { RemovalBrakeRow } from './tables.js'

/** The tenant's brake row, created with the defaults on first use. */
export async function ensureBrakeRow (db: Executor, tenantId: string): Promise<void> {
  await db.insertInto('removal_brakes').values({ tenant_id: tenantId })
    .onConflict((oc) => oc.column('tenant_id').doNothing()).execute()
}

export async function getBrake (db: Executor, tenantId: string): Promise<RemovalBrakeRow> {
  await ensureBrakeRow(db, tenantId)
  return await db.selectFrom('removal_brakes').selectAll().where('tenant_id', '=', tenantId).executeTakeFirstOrThrow()
}

/**
 * The tenant's brake row, locked until the transaction ends: the gate and the admin's
 * decisions take it first, so two of them cannot both take the last slot of the budget.
 */
export async function lockBrake (db: Executor, tenantId: string): Promise<RemovalBrakeRow> {
  await ensureBrakeRow(db, tenantId)
  return await db.selectFrom('removal_brakes').selectAll().where('tenant_id', '=', tenantId)
    .forUpdate().executeTakeFirstOrThrow()
}

/** Changes only the given fields. */
export async function updateBrakeSettings (
  db: Executor, tenantId: string, patch: Partial<BrakeSettings>
): Promise<RemovalBrakeRow> {
  await ensureBrakeRow(db, tenantId)
  return await db.updateTable('removal_brakes').set({
    ...(patch.budgetCount === undefined ? {} : { budget_count: patch.budgetCount }),
    ...(patch.budgetPercent === undefined ? {} : { budget_percent: patch.budgetPercent }),
    ...(patch.windowSeconds === undefined ? {} : { window_seconds: patch.windowSeconds }),
    updated_at: new Date()
  }).where('tenant_id', '=', tenantId).returningAll().executeTakeFirstOrThrow()
}

export async function engageBrake (db: Executor, tenantId: string, cause: string, at: Date): Promise<void> {
  await db.updateTable('removal_brakes').set({ engaged_at: at, first_cause: cause, updated_at: at })
    .where('tenant_id', '=', tenantId).execute()
}
