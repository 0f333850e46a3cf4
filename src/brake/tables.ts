import type { ColumnType, Generated, Selectable } from 'kysely'
import type { Timestamp, NullableTimestamp } from '../db/column-types.js'

/** Per-tenant budget and brake state (migrations/20261129T000600Z-removal-brake.ts). */
export interface RemovalBrakesTable {
  tenant_id: string
  budget_count: Generated<number>
  budget_percent: Generated<number>
  window_seconds: Generated<number>
  /** Set while removals are held; null when the brake is released. */
  engaged_at: NullableTimestamp
  /** The job reason or sync run whose removal engaged the brake. */
  first_cause: string | null
  updated_at: Timestamp
}

export interface RemovalBudgetUsesTable {
  id: Generated<string>
  tenant_id: string
  person_key: string
  action: string
  at: Timestamp
}

export type HeldStatus = 'held' | 'approved' | 'rejected'

export interface HeldRemovalsTable {
  id: Generated<string>
  tenant_id: string
  person_key: string
  user_id: string | null
  email: string | null
  action: string
  step: ColumnType<unknown, string, string>
  cause: string
  status: ColumnType<HeldStatus, HeldStatus | undefined, HeldStatus>
  held_at: Timestamp
  decided_by: string | null
  decided_at: NullableTimestamp
}

export interface BrakeTables {
  removal_brakes: RemovalBrakesTable
  removal_budget_uses: RemovalBudgetUsesTable
  held_removals: HeldRemovalsTable
}

export type RemovalBrakeRow = Selectable<RemovalBrakesTable>
export type HeldRemovalRow = Selectable<HeldRemovalsTable>
