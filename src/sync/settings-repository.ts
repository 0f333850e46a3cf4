import { sql } from 'kysely'
import type { UnmanagedPolicy } from './tables.js'
import type { Executor } from '../db/executor.js'

export interface SyncSettings {
  /** Minutes between scheduled syncs; 0 = no schedule. */
  scheduleMinutes: number
  unmanagedPolicy: UnmanagedPolicy
}

/** By default: hourly, and unmanaged members only reported, until an admin says otherwise. */
export const DEFAULT_SYNC_SETTINGS: SyncSettings = Object.freeze({ scheduleMinutes: 60, unmanagedPolicy: 'report' })

export async function getSyncSettings (db: Executor, tenantId: string): Promise<SyncSettings> {
  const row = await db.selectFrom('sync_settings').selectAll().where('tenant_id', '=', tenantId).executeTakeFirst()
  return row === undefined
    ? { ...DEFAULT_SYNC_SETTINGS }
    : { scheduleMinutes: row.schedule_minutes, unmanagedPolicy: row.unmanaged_policy }
}

export async function updateSyncSettings (
  db: Executor, tenantId: string, patch: Partial<SyncSettings>
): Promise<SyncSettings> {
  const next = { ...(await getSyncSettings(db, tenantId)), ...patch }
  await db.insertInto('sync_settings')
    .values({ tenant_id: tenantId, schedule_minutes: next.scheduleMinutes, unmanaged_policy: next.unmanagedPolicy })
    .onConflict((oc) => oc.column('tenant_id').doUpdateSet({
      schedule_minutes: next.scheduleMinutes, unmanaged_policy: next.unmanagedPolicy, updated_at: sql`now()`
    }))
    .execute()
  return next
}

/** Every tenant with its schedule (tenants without a settings row get the default). */
export async function tenantSchedules (db: Executor): Promise<Array<{ tenantId: string, scheduleMinutes: number }>> {
  const rows = await db.selectFrom('tenants').leftJoin('sync_settings', 'sync_settings.tenant_id', 'tenants.id')
    .select(['tenants.id as tenantId', 'sync_settings.schedule_minutes as minutes']).orderBy('tenants.id').execute()
  return rows.map((r) => ({
    tenantId: r.tenantId, scheduleMinutes: r.minutes ?? DEFAULT_SYNC_SETTINGS.scheduleMinutes
  }))
}
