import { z } from 'zod'
import { ASSET_TYPES, BUSINESS_ROLES, type BusinessRole } from '../../meta/index.js'
import type { DesiredResult } from '../engine/desired.js'
import type { AssetAccess, Plan, Step } from '../engine/reconcile-types.js'

// What a reconcile stores in meta_people.last_plan: the plan it made (dry run, held or run) and
// the desired access behind it. A later reconcile reads it back to tell a step it already
// recorded from a new one; the sync's metrics read `role` in SQL.

/** The last plan as the person's record keeps it. */
export interface StoredPlan {
  steps: Step[]
  waitingAssets: AssetAccess[]
  role: BusinessRole | null
  why: string
}

const STEP_KINDS = [
  'invite', 'change_invite_role', 'cancel_invite', 'change_role', 'assign', 'unassign', 'remove', 'skip', 'manual',
  'blocked'
] as const satisfies ReadonlyArray<Step['kind']>

const storedPlanSchema = z.object({
  steps: z.array(z.object({ kind: z.enum(STEP_KINDS) })),
  waitingAssets: z.array(z.object({ assetType: z.enum(ASSET_TYPES), assetId: z.string(), tasks: z.array(z.string()) })),
  role: z.enum(BUSINESS_ROLES).nullable(),
  why: z.string()
})

export function storedPlanOf (plan: Plan, desired: DesiredResult): StoredPlan {
  return { steps: plan.steps, waitingAssets: plan.waitingAssets, role: desired.role, why: desired.why }
}

/**
 * The jsonb read back, or null when it is missing or not a plan this code wrote (the next
 * reconcile then treats every step as new and stores a fresh plan). The value is kept as read,
 * not rebuilt by the schema: steps are compared as stored, in jsonb's key order.
 */
export function readStoredPlan (value: unknown): StoredPlan | null {
  if (value === null || value === undefined) return null
  return storedPlanSchema.safeParse(value).success ? value as StoredPlan : null
}
