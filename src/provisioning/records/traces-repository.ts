import type { Kysely } from 'kysely'
import type { DB } from '../../db/schema.js'
import type { Executor } from '../../db/executor.js'
import type { ReconcileTrace, TraceTrigger } from '../engine/reconcile-trace.js'
import type { ReconcileTraceRow } from './tables.js'

// The SQL of reconcile traces and the per-person reconcile lease (docs/provisioning.md,
// "Reconcile traces", "Reconcile now"). Every statement filters on the tenant.

export interface NewTrace {
  tenantId: string
  userId: string
  trigger: TraceTrigger
  jobId: string | null
  dryRun: boolean
  startedAt: Date
  durationMs: number
  trace: ReconcileTrace
}

/**
 * Stores a trace and, in the same transaction, drops the person's traces beyond the newest
 * `keep`, so a person never has more than `keep` rows whatever the number of writers.
 */
export async function insertTrace (db: Kysely<DB>, row: NewTrace, keep: number): Promise<ReconcileTraceRow> {
  return await db.transaction().execute(async (trx) => {
    const inserted = await trx.insertInto('reconcile_traces').values({
      tenant_id: row.tenantId,
      user_id: row.userId,
      trigger: row.trigger,
      job_id: row.jobId,
      dry_run: row.dryRun,
      outcome: row.trace.result.outcome,
      started_at: row.startedAt,
      duration_ms: row.durationMs,
      call_count: row.trace.calls.length,
      trace: JSON.stringify(row.trace)
    }).returningAll().executeTakeFirstOrThrow()
    await pruneTraces(trx, row.tenantId, row.userId, keep)
    return inserted
  })
}

/** Deletes the person's traces older than their newest `keep`. */
export async function pruneTraces (db: Executor, tenantId: string, userId: string, keep: number): Promise<number> {
  const oldestKept = db.selectFrom('reconcile_traces').select('id')
    .where('tenant_id', '=', tenantId).where('user_id', '=', userId)
    .orderBy('id', 'desc').offset(Math.max(keep, 1) - 1).limit(1)
  const deleted = await db.deleteFrom('reconcile_traces')
    .where('tenant_id', '=', tenantId).where('user_id', '=', userId)
    .where('id', '<', oldestKept)
    .executeTakeFirst()
  return Number(deleted.numDeletedRows)
}

/** A person's traces, newest first; `before` is the id of the last row of the previous page. */
export async function listTraces (
  db: Executor, tenantId: string, userId: string, options: { limit: number, before?: string | undefined }
): Promise<ReconcileTraceRow[]> {
  let query = db.selectFrom('reconcile_traces').selectAll()
    .where('tenant_id', '=', tenantId).where('user_id', '=', userId)
  if (options.before !== undefined) query = query.where('id', '<', options.before)
  return await query.orderBy('id', 'desc').limit(options.limit).execute()
}

export async function findTrace (
  db: Executor, tenantId: string, userId: string, id: string
): Promise<ReconcileTraceRow | undefined> {
  return await db.selectFrom('reconcile_traces').selectAll()
    .where('tenant_id', '=', tenantId).where('user_id', '=', userId).where('id', '=', id)
    .executeTakeFirst()
}

/**
 * Takes the person's reconcile lease for `holder` until `expiresAt`: true when it is now
 * theirs (free, its holder let it expire, or it already was theirs), false while another
 * holder has it.
 */
export async function acquireLease (
  db: Executor, tenantId: string, userId: string, holder: string, now: Date, expiresAt: Date
): Promise<boolean> {
  const row = await db.insertInto('reconcile_leases')
    .values({ tenant_id: tenantId, user_id: userId, holder, expires_at: expiresAt })
    .onConflict((oc) => oc.columns(['tenant_id', 'user_id']).doUpdateSet({ holder, expires_at: expiresAt })
      .where((eb) => eb.or([
        eb('reconcile_leases.expires_at', '<=', now),
        eb('reconcile_leases.holder', '=', holder)
      ])))
    .returning('holder')
    .executeTakeFirst()
  return row?.holder === holder
}

/** Moves the holder's expiry on (the lease's heartbeat); false when the lease is no longer theirs. */
export async function renewLease (
  db: Executor, tenantId: string, userId: string, holder: string, expiresAt: Date
): Promise<boolean> {
  const renewed = await db.updateTable('reconcile_leases').set({ expires_at: expiresAt })
    .where('tenant_id', '=', tenantId).where('user_id', '=', userId).where('holder', '=', holder)
    .executeTakeFirst()
  return Number(renewed.numUpdatedRows) > 0
}

export async function releaseLease (db: Executor, tenantId: string, userId: string, holder: string): Promise<void> {
  await db.deleteFrom('reconcile_leases')
    .where('tenant_id', '=', tenantId).where('user_id', '=', userId).where('holder', '=', holder)
    .execute()
}
