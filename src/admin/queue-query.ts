import { sql, type Kysely } from 'kysely'
import type { DB } from '../db/schema.js'
import type { QueueSample } from '../metrics/types.js'
import { QUEUE_SCHEMA, RECONCILE_QUEUE, type ReconcileQueue } from '../provisioning/jobs/queue.js'
import { UNMANAGED_QUEUE } from '../provisioning/engine/unmanaged-removal.js'

// The tenant's share of the reconcile queue, read from pg-boss's job table (jobs carry the
// tenant in their data; src/provisioning/jobs/queue.ts). No index on it: an admin read, not a hot path.

const job = sql.id(QUEUE_SCHEMA, 'job')
const now = sql.raw(`${QUEUE_SCHEMA}.job_now()`)

export interface QueueStatus {
  depth: number
  queued: number
  active: number
  retrying: number
  failed: number
  oldest_job_age_seconds: number | null
  failed_people: number
  failing_jobs: Array<{
    id: string,
    user_id: string | null,
    state: string,
    retry_count: number,
    retry_limit: number,
    next_attempt_at: Date | null,
    error: string | null,
    created_at: Date
  }>
}

interface CountsRow { queued: string | number, active: string | number, retrying: string | number, failed: string | number, oldest: string | number | null }

export async function queueStatus (db: Kysely<DB>, tenantId: string, failingLimit = 100): Promise<QueueStatus> {
  const counts = (await sql<CountsRow>`
    select count(*) filter (where state = 'created') as queued,
      count(*) filter (where state = 'active') as active,
      count(*) filter (where state = 'retry') as retrying,
      count(*) filter (where state = 'failed') as failed,
      extract(epoch from ${now} - min(created_on) filter (where state in ('created', 'retry', 'active'))) as oldest
    from ${job} where name = ${RECONCILE_QUEUE} and data->>'tenantId' = ${tenantId}`.execute(db)).rows[0]
  const failing = await sql<{ id: string, user_id: string | null, state: string, retry_count: number, retry_limit: number, start_after: Date, error: string | null, created_on: Date }>`
    select id, data->>'userId' as user_id, state::text as state, retry_count, retry_limit, start_after,
      coalesce(output->>'message', output::text) as error, created_on
    from ${job} where name = ${RECONCILE_QUEUE} and data->>'tenantId' = ${tenantId} and state in ('retry', 'failed')
    order by created_on limit ${failingLimit}`.execute(db)
  const people = await db.selectFrom('meta_people').select((eb) => eb.fn.countAll<string | number>().as('n'))
    .where('tenant_id', '=', tenantId).where('state', '=', 'failed').executeTakeFirstOrThrow()
  const n = (v: string | number | undefined): number => Number(v ?? 0)
  const queued = n(counts?.queued)
  const active = n(counts?.active)
  const retrying = n(counts?.retrying)
  return {
    depth: queued + active + retrying,
    queued,
    active,
    retrying,
    failed: n(counts?.failed),
    oldest_job_age_seconds: counts?.oldest === null || counts?.oldest === undefined ? null : Math.round(Number(counts.oldest)),
    failed_people: Number(people.n),
    failing_jobs: failing.rows.map((r) => ({
      id: r.id,
      user_id: r.user_id,
      state: r.state,
      retry_count: r.retry_count,
      retry_limit: r.retry_limit,
      next_attempt_at: r.state === 'retry' ? r.start_after : null,
      error: r.error,
      created_at: r.created_on
    }))
  }
}

interface SampleRow { name: string, queued: string | number, active: string | number, deferred: string | number, oldest: string | number | null }

/** The service's queues as a whole (every tenant), for /metrics; no per-tenant labels. */
export const METRIC_QUEUES: readonly string[] = [RECONCILE_QUEUE, UNMANAGED_QUEUE]

/** Depth by state and the oldest runnable job's age, per queue, for `metrics.observeQueues`. */
export async function queueSamples (db: Kysely<DB>, queues: readonly string[] = METRIC_QUEUES): Promise<QueueSample[]> {
  const rows = (await sql<SampleRow>`
    select name,
      count(*) filter (where state in ('created', 'retry') and start_after <= ${now}) as queued,
      count(*) filter (where state = 'active') as active,
      count(*) filter (where state in ('created', 'retry') and start_after > ${now}) as deferred,
      extract(epoch from ${now} - min(created_on) filter (where state in ('created', 'retry') and start_after <= ${now})) as oldest
    from ${job} where name in (${sql.join(queues)}) and state in ('created', 'retry', 'active')
    group by name`.execute(db)).rows
  const byName = new Map(rows.map((r) => [r.name, r]))
  // Every queue gets a sample, so a drained queue reads 0 instead of keeping its last value.
  return queues.map((queue) => {
    const r = byName.get(queue)
    return {
      queue,
      queued: Number(r?.queued ?? 0),
      active: Number(r?.active ?? 0),
      deferred: Number(r?.deferred ?? 0),
      oldestQueuedAgeSeconds: r?.oldest === null || r?.oldest === undefined ? null : Number(r.oldest)
    }
  })
}

export interface RetryResult {
  /** Jobs waiting out a backoff, now due. */
  retried_jobs: number
  /** Jobs that had given up, retried (the newest per person without a pending job). */
  revived_jobs: number
  /** People whose last reconcile failed for good (not retried by the queue), enqueued again. */
  requeued_people: number
}

/** "Retry now": every failing job of the tenant and every failed person gets another attempt now. */
export async function retryTenantQueue (db: Kysely<DB>, queue: ReconcileQueue, tenantId: string): Promise<RetryResult> {
  const failed = await sql<{ id: string }>`
    select distinct on (f.singleton_key) f.id from ${job} f
    where f.name = ${RECONCILE_QUEUE} and f.state = 'failed' and f.data->>'tenantId' = ${tenantId}
      and not exists (select 1 from ${job} p where p.name = f.name and p.singleton_key = f.singleton_key and p.state in ('created', 'retry'))
    order by f.singleton_key, f.created_on desc`.execute(db)
  if (failed.rows.length > 0) await queue.boss.retry(RECONCILE_QUEUE, failed.rows.map((r) => r.id))
  // Revived jobs keep their old start_after (pg-boss retry); both kinds become due now.
  const due = await sql<{ id: string }>`
    update ${job} set start_after = ${now}
    where name = ${RECONCILE_QUEUE} and state = 'retry' and data->>'tenantId' = ${tenantId}
    returning id`.execute(db)
  const people = await db.selectFrom('meta_people').select('user_id')
    .where('tenant_id', '=', tenantId).where('state', '=', 'failed').execute()
  await queue.enqueueUsers(db, tenantId, people.map((p) => p.user_id), 'retry now (admin)')
  return { retried_jobs: due.rows.length - failed.rows.length, revived_jobs: failed.rows.length, requeued_people: people.length }
}
