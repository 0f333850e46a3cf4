import { sql, type Kysely } from 'kysely'
import type { DB } from '../db/schema.js'
import { isUniqueViolation } from '../directory/db-errors.js'
import type { RunTrigger, SyncRunRow } from './tables.js'
import type { Executor } from '../db/executor.js'

export type StartOutcome = { started: SyncRunRow } | { running: SyncRunRow }

/**
 * Opens a run unless one is running for the tenant. The unique partial index
 * sync_runs_one_running makes this hold across replicas; a run whose replica died (no heartbeat
 * for `staleAfterMs`) is closed as failed first so the tenant is not locked out for good.
 */
export async function startRun (db: Kysely<DB>, tenantId: string, trigger: RunTrigger, staleAfterMs: number): Promise<StartOutcome> {
  await db.updateTable('sync_runs')
    .set({ status: 'failed', error: 'abandoned: the replica running it stopped reporting', finished_at: sql`now()` })
    .where('tenant_id', '=', tenantId).where('status', '=', 'running')
    .where('heartbeat_at', '<', sql<Date>`now() - cast(${`${Math.ceil(staleAfterMs / 1000)} seconds`} as interval)`)
    .execute()
  try {
    const started = await db.insertInto('sync_runs')
      .values({ tenant_id: tenantId, trigger, status: 'running', phase: 'starting', counts: '{}' })
      .returningAll().executeTakeFirstOrThrow()
    return { started }
  } catch (err) {
    if (!isUniqueViolation(err, 'sync_runs_one_running')) throw err
    const running = await db.selectFrom('sync_runs').selectAll()
      .where('tenant_id', '=', tenantId).where('status', '=', 'running').executeTakeFirst()
    // The running one may have finished in between: report it anyway, the caller retries later.
    if (running === undefined) return await startRun(db, tenantId, trigger, staleAfterMs)
    return { running }
  }
}

/** Records the phase and counts; doubles as the heartbeat. */
export async function reportProgress (db: Executor, runId: string, phase: string, counts: Record<string, number>): Promise<void> {
  await db.updateTable('sync_runs')
    .set({ phase, counts: JSON.stringify(counts), heartbeat_at: sql`now()` })
    .where('id', '=', runId).where('status', '=', 'running')
    .execute()
}

export async function finishRun (db: Executor, runId: string, outcome: {
  status: 'succeeded' | 'failed', counts: Record<string, number>, summary: Record<string, unknown> | null, error: string | null
}): Promise<void> {
  await db.updateTable('sync_runs')
    .set({
      status: outcome.status,
      phase: outcome.status === 'succeeded' ? 'done' : 'failed',
      counts: JSON.stringify(outcome.counts),
      summary: outcome.summary === null ? null : JSON.stringify(outcome.summary),
      error: outcome.error,
      finished_at: sql`now()`,
      heartbeat_at: sql`now()`
    })
    .where('id', '=', runId)
    .execute()
}

export async function findRun (db: Executor, tenantId: string, runId: string): Promise<SyncRunRow | undefined> {
  return await db.selectFrom('sync_runs').selectAll().where('tenant_id', '=', tenantId).where('id', '=', runId).executeTakeFirst()
}

export async function listRuns (db: Executor, tenantId: string, limit: number, offset: number): Promise<{ rows: SyncRunRow[], total: number }> {
  const rows = await db.selectFrom('sync_runs').selectAll().where('tenant_id', '=', tenantId)
    .orderBy('started_at', 'desc').orderBy('id', 'desc').limit(limit).offset(offset).execute()
  const count = await db.selectFrom('sync_runs').select((eb) => eb.fn.countAll<number>().as('n'))
    .where('tenant_id', '=', tenantId).executeTakeFirstOrThrow()
  return { rows, total: Number(count.n) }
}

/** When each tenant's last run started, for the scheduler. */
export async function lastRunStarts (db: Executor): Promise<Map<string, Date>> {
  const rows = await db.selectFrom('sync_runs').select(['tenant_id', (eb) => eb.fn.max('started_at').as('last')])
    .groupBy('tenant_id').execute()
  return new Map(rows.map((r) => [r.tenant_id, new Date(r.last)]))
}
