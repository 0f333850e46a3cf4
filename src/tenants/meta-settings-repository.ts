import { sql, type Insertable, type Transaction } from 'kysely'
import type { DB } from '../db/schema.js'
import type { Executor } from '../db/executor.js'
import type { TenantMetaSettingsRow, TenantMetaSettingsTable } from './provisioning-tables.js'

/** The columns a save writes (everything but the keys, the connection state and the timestamps). */
export type MetaSettingsValues = Omit<Insertable<TenantMetaSettingsTable>,
  'tenant_id' | 'connection_status' | 'connection_error' | 'connection_changed_at' | 'last_polled_at' |
  'created_at' | 'updated_at'>

export async function findMetaSettingsRow (db: Executor, tenantId: string): Promise<TenantMetaSettingsRow | undefined> {
  return await db.selectFrom('tenant_meta_settings').selectAll().where('tenant_id', '=', tenantId).executeTakeFirst()
}

/** Inserts or updates the tenant's row; `reconnect` resets the connection to `unknown`. */
export async function upsertMetaSettingsRow (
  trx: Transaction<DB>, tenantId: string, values: MetaSettingsValues, reconnect: boolean
): Promise<TenantMetaSettingsRow> {
  const reset = reconnect
    ? { connection_status: 'unknown' as const, connection_error: null, connection_changed_at: sql<Date>`now()` }
    : {}
  return await trx.insertInto('tenant_meta_settings')
    .values({ tenant_id: tenantId, ...values, ...reset })
    .onConflict((oc) => oc.column('tenant_id').doUpdateSet({ ...values, ...reset, updated_at: sql`now()` }))
    .returningAll().executeTakeFirstOrThrow()
}

/** Sets the connection status; true when it changed. */
export async function updateConnectionStatus (
  db: Executor, tenantId: string, status: TenantMetaSettingsRow['connection_status'], error: string | null
): Promise<boolean> {
  const result = await db.updateTable('tenant_meta_settings')
    .set({ connection_status: status, connection_error: error, connection_changed_at: sql`now()` })
    .where('tenant_id', '=', tenantId).where('connection_status', '<>', status)
    .executeTakeFirst()
  return Number(result.numUpdatedRows) > 0
}

/** Claims this round of the acceptance poll for a tenant: one replica per interval. */
export async function claimPoll (db: Executor, tenantId: string, intervalSeconds: number): Promise<boolean> {
  const result = await db.updateTable('tenant_meta_settings')
    .set({ last_polled_at: sql`now()` })
    .where('tenant_id', '=', tenantId)
    .where((eb) => eb.or([
      eb('last_polled_at', 'is', null),
      eb('last_polled_at', '<=', sql<Date>`now() - ${intervalSeconds * 0.9} * interval '1 second'`)
    ]))
    .executeTakeFirst()
  return Number(result.numUpdatedRows) > 0
}

/** Tenants with credentials, not in dry run, not disconnected: the ones worth polling. */
export async function pollableTenants (db: Executor): Promise<string[]> {
  const rows = await db.selectFrom('tenant_meta_settings').select('tenant_id')
    .where('business_id', 'is not', null).where('access_token_sealed', 'is not', null)
    .where('dry_run', '=', false).where('connection_status', '<>', 'disconnected')
    .orderBy('tenant_id').execute()
  return rows.map((r) => r.tenant_id)
}
