import type { RemovalBrakeRow } from './tables.js'

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
