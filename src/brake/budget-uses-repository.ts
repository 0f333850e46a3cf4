import type { Executor } from '../db/executor.js'

/** Removals let through since `since` (exclusive). */
export async function countBudgetUsesSince (db: Executor, tenantId: string, since: Date): Promise<number> {
  const row = await db.selectFrom('removal_budget_uses').select((eb) => eb.fn.countAll<string>().as('n'))
    .where('tenant_id', '=', tenantId).where('at', '>', since).executeTakeFirstOrThrow()
  return Number(row.n)
}

/** Forgets the uses that left the window (at or before `since`) and counts the rest. */
export async function pruneAndCountBudgetUses (db: Executor, tenantId: string, since: Date): Promise<number> {
  await db.deleteFrom('removal_budget_uses').where('tenant_id', '=', tenantId).where('at', '<=', since).execute()
  const row = await db.selectFrom('removal_budget_uses').select((eb) => eb.fn.countAll<string>().as('n'))
    .where('tenant_id', '=', tenantId).executeTakeFirstOrThrow()
  return Number(row.n)
}

export async function recordBudgetUse (
  db: Executor, use: { tenantId: string, personKey: string, action: string, at: Date }
): Promise<void> {
  await db.insertInto('removal_budget_uses')
    .values({ tenant_id: use.tenantId, person_key: use.personKey, action: use.action, at: use.at }).execute()
}
