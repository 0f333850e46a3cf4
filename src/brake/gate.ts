import type { Kysely, Transaction } from 'kysely'
import type { Logger } from 'pino'
import type { DB } from '../db/schema.js'
import type { RemovalDecision, RemovalGate, RemovalRequest } from '../provisioning/engine/removal-gate.js'
import { actionOf, deleteHeld, findHeld, insertHeld, personKey, refreshHeld, releaseIfClear } from './held-repository.js'
import { budgetLimit, ensureBrakeRow, settingsOf } from './settings.js'

export interface BrakeGateDeps {
  db: Kysely<DB>
  logger: Logger
  /** Injected by tests so the window slides without sleeping. */
  now?: () => Date
}

const PASS: RemovalDecision = { hold: false }

async function managedMembers (trx: Transaction<DB>, tenantId: string): Promise<number> {
  const row = await trx.selectFrom('meta_people').select((eb) => eb.fn.countAll<string>().as('n')).where('tenant_id', '=', tenantId)
    .where((eb) => eb.or([eb('business_user_id', 'is not', null), eb('invite_id', 'is not', null)])).executeTakeFirstOrThrow()
  return Number(row.n)
}

/**
 * Decides one removal under the tenant's brake row lock, so two workers reviewing at once
 * cannot both take the last slot of the budget.
 */
async function decide (trx: Transaction<DB>, deps: BrakeGateDeps, request: RemovalRequest, now: Date): Promise<RemovalDecision> {
  const { tenantId } = request
  await ensureBrakeRow(trx, tenantId)
  const brake = await trx.selectFrom('removal_brakes').selectAll().where('tenant_id', '=', tenantId).forUpdate().executeTakeFirstOrThrow()
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
    await trx.deleteFrom('removal_budget_uses').where('tenant_id', '=', tenantId).where('at', '<=', since).execute()
    const used = await trx.selectFrom('removal_budget_uses').select((eb) => eb.fn.countAll<string>().as('n'))
      .where('tenant_id', '=', tenantId).executeTakeFirstOrThrow()
    const limit = budgetLimit(settings, await managedMembers(trx, tenantId))
    if (Number(used.n) < limit) {
      await trx.insertInto('removal_budget_uses').values({ tenant_id: tenantId, person_key: personKey(request), action: actionOf(request.step), at: now }).execute()
      return PASS
    }
    await trx.updateTable('removal_brakes').set({ engaged_at: now, first_cause: request.cause, updated_at: now }).where('tenant_id', '=', tenantId).execute()
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
      const removed = await deps.db.deleteFrom('held_removals').where('tenant_id', '=', tenantId).where('person_key', '=', userId).executeTakeFirst()
      if (Number(removed.numDeletedRows) > 0) await releaseIfClear(deps.db, tenantId)
    }
  }
}
