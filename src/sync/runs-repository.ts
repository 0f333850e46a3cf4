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
export async function startRun (
  db: Kysely<DB>, tenantId: string, trigger: RunTrigger, staleAfterMs: number
): Promise<StartOutcome> {
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
export async function reportProgress (
  db: Executor, runId: string, phase: string, counts: Record<string, number>
): Promise<void> {
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

export async function listRuns (
  db: Executor, tenantId: string, limit: number, offset: number
): Promise<{ rows: SyncRunRow[], total: number }> {
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

/** The tenant's newest run, and its newest successful one (the same row when that succeeded). */
export async function lastRuns (
  db: Executor, tenantId: string
): Promise<{ last?: SyncRunRow, lastSuccess?: SyncRunRow }> {
  const last = await db.selectFrom('sync_runs').selectAll().where('tenant_id', '=', tenantId)
    .orderBy('started_at', 'desc').limit(1).executeTakeFirst()
  const lastSuccess = last?.status === 'succeeded'
    ? last
    : await db.selectFrom('sync_runs').selectAll().where('tenant_id', '=', tenantId).where('status', '=', 'succeeded')
      .orderBy('started_at', 'desc').limit(1).executeTakeFirst()
  return { ...(last === undefined ? {} : { last }), ...(lastSuccess === undefined ? {} : { lastSuccess }) }
}

/**
 * For the metrics, all tenants in one query: the longest time since a tenant's last successful
 * sync over tenants with a Meta business and token and a schedule (a tenant that never synced
 * counts from when its Meta settings were created, so a first sync that keeps failing shows
 * too), and the reconciles each tenant's last successful sync enqueued, summed.
 */
export async function syncAgeSample (
  db: Executor, defaultScheduleMinutes: number
): Promise<{ oldestSeconds: number | null, drifted: number }> {
  const { rows } = await sql<{ oldest: string | number | null, drifted: string | number | null }>`
    with last_success as (
      select distinct on (tenant_id) tenant_id, finished_at, counts
      from sync_runs where status = 'succeeded' and finished_at is not null
      order by tenant_id, finished_at desc
    )
    select
      (select max(extract(epoch from now() - coalesce(l.finished_at, m.created_at)))
        from tenant_meta_settings m
        left join sync_settings s on s.tenant_id = m.tenant_id
        left join last_success l on l.tenant_id = m.tenant_id
        where m.business_id is not null and m.access_token_sealed is not null
          and coalesce(s.schedule_minutes, ${defaultScheduleMinutes}) > 0) as oldest,
      (select sum(coalesce((l.counts->>'reconciles_enqueued')::integer, 0))
        from last_success l join tenant_meta_settings m on m.tenant_id = l.tenant_id
        where m.business_id is not null) as drifted`.execute(db)
  const row = rows[0]
  return {
    oldestSeconds: row?.oldest === null || row?.oldest === undefined ? null : Number(row.oldest),
    drifted: Number(row?.drifted ?? 0)
  }
}
