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
 * Stores a trace, drops the person's traces beyond the newest `keep` and releases the
 * holder's lease on the person, in one statement: a reconcile ends with one round trip to the
 * database instead of five (BEGIN, INSERT, DELETE, COMMIT, lease DELETE), which on a fan-out
 * of thousands of reconciles is a share of the worker's time worth having (bench/findings.md).
 * The statement's parts see the table as it was before it (PostgreSQL docs, "Data-Modifying
 * Statements in WITH"), so the prune keeps the newest `keep - 1` existing rows: with the new
 * one, `keep`.
 */
export async function insertTraceAndRelease (
  db: Kysely<DB>, row: NewTrace, keep: number, holder: string
): Promise<{ id: string }> {
  return await db
    .with('inserted', (qb) => qb.insertInto('reconcile_traces').values({
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
    }).returning('id'))
    .with('pruned', (qb) => {
      const older = qb.deleteFrom('reconcile_traces')
        .where('tenant_id', '=', row.tenantId).where('user_id', '=', row.userId)
      return keep <= 1
        ? older.returning('id')
        : older.where('id', '<', db.selectFrom('reconcile_traces').select('id')
          .where('tenant_id', '=', row.tenantId).where('user_id', '=', row.userId)
          .orderBy('id', 'desc').offset(keep - 2).limit(1)).returning('id')
    })
    .with('released', (qb) => qb.deleteFrom('reconcile_leases')
      .where('tenant_id', '=', row.tenantId).where('user_id', '=', row.userId).where('holder', '=', holder)
      .returning('holder'))
    .selectFrom('inserted').select((eb) => eb.cast<string>('inserted.id', 'text').as('id'))
    .executeTakeFirstOrThrow()
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
