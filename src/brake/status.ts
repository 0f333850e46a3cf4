import type { Kysely } from 'kysely'
import type { DB } from '../db/schema.js'
import { countManagedMembers } from '../provisioning/records/people-repository.js'
import { getBrake } from './brake-repository.js'
import { countBudgetUsesSince } from './budget-uses-repository.js'
import { countHeld } from './held-repository.js'
import { budgetLimit, settingsOf, type BrakeSettings } from './settings.js'

/** What the admin sees of a tenant's brake: "removals held" with the count and first cause. */
export interface BrakeStatus {
  engaged: boolean
  engagedAt: Date | null
  firstCause: string | null
  held: number
  settings: BrakeSettings
  /** Removals let through within the current window, and how many the window allows. */
  usedInWindow: number
  limit: number
}

export async function brakeStatus (db: Kysely<DB>, tenantId: string, now: Date = new Date()): Promise<BrakeStatus> {
  const row = await getBrake(db, tenantId)
  const settings = settingsOf(row)
  const since = new Date(now.getTime() - settings.windowSeconds * 1000)
  const used = await countBudgetUsesSince(db, tenantId, since)
  const managed = await countManagedMembers(db, tenantId)
  return {
    engaged: row.engaged_at !== null,
    engagedAt: row.engaged_at,
    firstCause: row.first_cause,
    held: await countHeld(db, tenantId),
    settings,
    usedInWindow: used,
    limit: budgetLimit(settings, managed)
  }
}
