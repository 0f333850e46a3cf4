import type { RemovalBrakeRow } from './tables.js'
import type { Executor } from '../db/executor.js'

/** A tenant's removal budget: `count` people or `percent` of its managed members, whichever is larger, per window. */
export interface BrakeSettings {
  budgetCount: number
  budgetPercent: number
  windowSeconds: number
}

/** The documented defaults; the migration's column defaults say the same. */
export const DEFAULT_BRAKE_SETTINGS: BrakeSettings = { budgetCount: 10, budgetPercent: 5, windowSeconds: 3600 }

/** Removals allowed within one window (the one after them engages the brake). */
export function budgetLimit (settings: BrakeSettings, managedMembers: number): number {
  return Math.max(settings.budgetCount, Math.floor(managedMembers * settings.budgetPercent / 100))
}

export const settingsOf = (row: Pick<RemovalBrakeRow, 'budget_count' | 'budget_percent' | 'window_seconds'>): BrakeSettings =>
  ({ budgetCount: row.budget_count, budgetPercent: row.budget_percent, windowSeconds: row.window_seconds })

/** The tenant's brake row, created with the defaults on first use. */
export async function ensureBrakeRow (db: Executor, tenantId: string): Promise<void> {
  await db.insertInto('removal_brakes').values({ tenant_id: tenantId }).onConflict((oc) => oc.column('tenant_id').doNothing()).execute()
}

export async function getBrake (db: Executor, tenantId: string): Promise<RemovalBrakeRow> {
  await ensureBrakeRow(db, tenantId)
  return await db.selectFrom('removal_brakes').selectAll().where('tenant_id', '=', tenantId).executeTakeFirstOrThrow()
}

/** Changes only the given fields. */
export async function updateBrakeSettings (db: Executor, tenantId: string, patch: Partial<BrakeSettings>): Promise<RemovalBrakeRow> {
  await ensureBrakeRow(db, tenantId)
  return await db.updateTable('removal_brakes').set({
    ...(patch.budgetCount === undefined ? {} : { budget_count: patch.budgetCount }),
    ...(patch.budgetPercent === undefined ? {} : { budget_percent: patch.budgetPercent }),
    ...(patch.windowSeconds === undefined ? {} : { window_seconds: patch.windowSeconds }),
    updated_at: new Date()
  }).where('tenant_id', '=', tenantId).returningAll().executeTakeFirstOrThrow()
}
