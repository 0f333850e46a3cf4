import { sql, type Transaction } from 'kysely'
import type { DB } from '../db/schema.js'
import type { AssetType, BusinessRole } from '../meta/index.js'
import type { AccessRule } from './access-rules.js'
import type { AccessRuleRow } from './provisioning-tables.js'
import type { Executor } from '../db/executor.js'

function toRule (row: AccessRuleRow): AccessRule {
  return {
    id: row.id,
    groupName: row.group_name,
    role: row.role as BusinessRole | null,
    assets: row.assets.map((a) => ({ assetType: a.assetType as AssetType, assetId: a.assetId, tasks: [...a.tasks] })),
    priority: row.priority
  }
}

export async function listAccessRules (db: Executor, tenantId: string): Promise<AccessRule[]> {
  const rows = await db.selectFrom('access_rules').selectAll().where('tenant_id', '=', tenantId)
    .orderBy('priority').orderBy(sql`lower(group_name)`).execute()
  return rows.map(toRule)
}

function same (a: AccessRule, b: AccessRule): boolean {
  return a.role === b.role && a.priority === b.priority && JSON.stringify(a.assets) === JSON.stringify(b.assets)
}

/**
 * Makes the tenant's rules exactly `rules`; answers the group names whose rule was added,
 * changed or removed, so only those groups' members are reconciled.
 */
export async function replaceAccessRules (
  trx: Transaction<DB>, tenantId: string, rules: readonly AccessRule[]
): Promise<string[]> {
  const current = await listAccessRules(trx, tenantId)
  const before = new Map(current.map((r) => [r.groupName.toLowerCase(), r]))
  const after = new Map(rules.map((r) => [r.groupName.toLowerCase(), r]))
  const changed: string[] = []
  for (const [key, rule] of before) {
    if (!after.has(key)) {
      changed.push(rule.groupName)
      await trx.deleteFrom('access_rules').where('tenant_id', '=', tenantId).where('id', '=', rule.id ?? '').execute()
    }
  }
  for (const [key, rule] of after) {
    const old = before.get(key)
    if (old !== undefined && same(old, rule) && old.groupName === rule.groupName) continue
    changed.push(rule.groupName)
    const values = {
      group_name: rule.groupName, role: rule.role, assets: JSON.stringify(rule.assets), priority: rule.priority
    }
    if (old === undefined) {
      await trx.insertInto('access_rules').values({ tenant_id: tenantId, ...values }).execute()
    } else {
      await trx.updateTable('access_rules').set({ ...values, updated_at: sql`now()` })
        .where('tenant_id', '=', tenantId).where('id', '=', old.id ?? '').execute()
    }
  }
  return changed
}
