import type { Kysely, Transaction } from 'kysely'
import type { Logger } from 'pino'
import type { DB } from '../db/schema.js'
import type { RemovalDecision, RemovalGate, RemovalRequest } from '../provisioning/engine/removal-gate.js'
import { countManagedMembers } from '../provisioning/records/people-repository.js'
import { engageBrake, lockBrake } from './brake-repository.js'
import { pruneAndCountBudgetUses, recordBudgetUse } from './budget-uses-repository.js'
import {
  actionOf, deleteHeld, deleteHeldOfPerson, findHeld, insertHeld, personKey, refreshHeld, releaseIfClear
} from './held-repository.js'
import { budgetLimit, settingsOf } from './settings.js'

export interface BrakeGateDeps {
  db: Kysely<DB>
  logger: Logger
  /** Injected by tests so the window slides without sleeping. */
  now?: () => Date
}

const PASS: RemovalDecision = { hold: false }

/**
 * Decides one removal under the tenant's brake row lock, so two workers reviewing at once
 * cannot both take the last slot of the budget.
 */
async function decide (
  trx: Transaction<DB>, deps: BrakeGateDeps, request: RemovalRequest, now: Date
): Promise<RemovalDecision> {
  const { tenantId } = request
  const brake = await lockBrake(trx, tenantId)
  const existing = await findHeld(trx, tenantId, personKey(request))
  if (existing?.status === 'approved') {
    // An admin released it: it runs once, outside the budget.
    await deleteHeld(trx, existing.id)
    return PASS
  }
  if (existing?.status === 'rejected') {
    return { hold: true, why: `removal rejected by ${existing.decided_by ?? 'admin'}; kept until the person is entitled again` }
  }
  if (existing !== undefined) {
    await refreshHeld(trx, existing, request)
    return { hold: true, why: `removal brake engaged (${brake.first_cause ?? 'unknown cause'}); held for an admin` }
  }
  const settings = settingsOf(brake)
  if (brake.engaged_at === null) {
    const since = new Date(now.getTime() - settings.windowSeconds * 1000)
    const used = await pruneAndCountBudgetUses(trx, tenantId, since)
    const limit = budgetLimit(settings, await countManagedMembers(trx, tenantId))
    if (used < limit) {
      await recordBudgetUse(trx, { tenantId, personKey: personKey(request), action: actionOf(request.step), at: now })
      return PASS
    }
    await engageBrake(trx, tenantId, request.cause, now)
    deps.logger.warn({ tenantId, limit, windowSeconds: settings.windowSeconds, cause: request.cause },
      'removal brake engaged: removal budget used up; further removals are held for an admin')
  }
  await insertHeld(trx, request, now)
  return { hold: true, why: `removal brake engaged (${brake.first_cause ?? request.cause}); held for an admin` }
}

/** The removal brake as the provisioning engine's RemovalGate (src/provisioning/engine/removal-gate.ts). */
export function createRemovalBrake (deps: BrakeGateDeps): RemovalGate {
  const now = deps.now ?? (() => new Date())
  return {
    review: async (request) => {
      if (request.trx !== undefined) return await decide(request.trx, deps, request, now())
      return await deps.db.transaction().execute(async (trx) => await decide(trx, deps, request, now()))
    },
    settled: async (tenantId, userId) => {
      // Level-triggered: whatever was held or decided for this person no longer applies.
      if (await deleteHeldOfPerson(deps.db, tenantId, userId)) await releaseIfClear(deps.db, tenantId)
    }
  }
}
