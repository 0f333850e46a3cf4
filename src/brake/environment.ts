import type { Kysely } from 'kysely'
import type { DB } from '../db/schema.js'
import { writeAudit } from '../provisioning/records/audit-repository.js'
import { updateBrakeSettings } from './brake-repository.js'
import type { BrakeSettings } from './settings.js'

/** META_REMOVAL_*, as given: a variable left unset is undefined (src/config.ts reads them). */
export interface BrakeEnvironment {
  budgetCount: number | undefined
  budgetPercent: number | undefined
  windowSeconds: number | undefined
}

/**
 * META_REMOVAL_* → the default tenant's budget, at every start. Only the variables that are set
 * are applied; the others keep what the admin API stored.
 */
export async function applyBrakeEnvironment (
  db: Kysely<DB>, tenantId: string, env: Readonly<BrakeEnvironment>
): Promise<Partial<BrakeSettings> | undefined> {
  const patch: Partial<BrakeSettings> = {
    ...(env.budgetCount === undefined ? {} : { budgetCount: env.budgetCount }),
    ...(env.budgetPercent === undefined ? {} : { budgetPercent: env.budgetPercent }),
    ...(env.windowSeconds === undefined ? {} : { windowSeconds: env.windowSeconds })
  }
  if (Object.keys(patch).length === 0) return undefined
  await db.transaction().execute(async (trx) => {
    await updateBrakeSettings(trx, tenantId, patch)
    await writeAudit(trx, { tenantId, actor: 'environment', action: 'removal_budget_changed', reason: 'META_REMOVAL_* at start', outcome: 'applied', detail: { ...patch } })
  })
  return patch
}
