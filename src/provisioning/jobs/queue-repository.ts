import { sql, type RawBuilder } from 'kysely'
import type { Executor } from '../../db/executor.js'

// pg-boss's job table, read and written in plain SQL where pg-boss has no call for it: bulk
// enqueues inside the caller's transaction, and a tenant's share of the queue (jobs carry the
// tenant in their data; src/provisioning/queue.ts). No index on the tenant: admin reads.

/** pg-boss's schema; its `job_now()` is the clock its own statements use. */
export const QUEUE_SCHEMA = 'pgboss'

const job = sql.id(QUEUE_SCHEMA, 'job')
const now = sql.raw(`${QUEUE_SCHEMA}.job_now()`)

/** `(tenant_id, user_id)` rows for these users, as a subquery. */
export function userIdsSql (tenantId: string, userIds: readonly string[]): RawBuilder<unknown> {
  return sql`select ${tenantId}::uuid as tenant_id, unnest(${[...userIds]}::uuid[]) as user_id`
}

/** Two `(tenant_id, user_id)` subqueries as one, without duplicates. */
export function unionSql (a: RawBuilder<unknown>, b: RawBuilder<unknown>): RawBuilder<unknown> {
  return sql`${a} union ${b}`
}

/**
 * One job per `(tenant_id, user_id)` row of `source`, inserted into the queue's partition
 * `table` with the columns and defaults pg-boss's own insert (plans.insertJobs) fills from the
 * queue row; test/provisioning/queue.test.ts checks both paths give the same jobs.
 */
export async function insertJobsFrom (
  exec: Executor, table: string, queue: string, reason: string, source: RawBuilder<unknown>
): Promise<void> {
  await insertJobsSql(table, queue, reason, source).execute(exec)
}

/** `insertJobsFrom`'s statement, for a caller that runs it inside a statement of its own. */
export function insertJobsSql (
  table: string, queue: string, reason: string, source: RawBuilder<unknown>
): RawBuilder<unknown> {
  return sql`
    insert into ${sql.id(QUEUE_SCHEMA, table)} (
      name, data, singleton_key, policy, retry_limit, retry_delay, retry_backoff, retry_delay_max,
      expire_seconds, deletion_seconds, keep_until, dead_letter, heartbeat_seconds, start_after, created_on)
    select q.name, jsonb_build_object('tenantId', s.tenant_id, 'userId', s.user_id, 'reason', ${reason}::text),
      s.tenant_id::text || ':' || s.user_id::text, q.policy, q.retry_limit, q.retry_delay, q.retry_backoff,
      q.retry_delay_max, q.expire_seconds, q.deletion_seconds, ${now} + q.retention_seconds * interval '1s',
      q.dead_letter, q.heartbeat_seconds, ${now}, ${now}
    from (${source}) s cross join ${sql.id(QUEUE_SCHEMA, 'queue')} q
    where q.name = ${queue}
    on conflict do nothing`
}

export interface TenantJobCounts {
  queued: number
  active: number
  retrying: number
  failed: number
  oldestSeconds: number | null
}

type Count = string | number

/** The tenant's jobs of one queue by state, and the age of the oldest unfinished one. */
export async function tenantJobCounts (db: Executor, queue: string, tenantId: string): Promise<TenantJobCounts> {
  const row = (await sql<{ queued: Count, active: Count, retrying: Count, failed: Count, oldest: Count | null }>`
    select count(*) filter (where state = 'created') as queued,
      count(*) filter (where state = 'active') as active,
      count(*) filter (where state = 'retry') as retrying,
      count(*) filter (where state = 'failed') as failed,
      extract(epoch from ${now} - min(created_on) filter (where state in ('created', 'retry', 'active'))) as oldest
    from ${job} where name = ${queue} and data->>'tenantId' = ${tenantId}`.execute(db)).rows[0]
  const n = (v: string | number | undefined): number => Number(v ?? 0)
  return {
    queued: n(row?.queued),
    active: n(row?.active),
    retrying: n(row?.retrying),
    failed: n(row?.failed),
    oldestSeconds: row?.oldest === null || row?.oldest === undefined ? null : Number(row.oldest)
  }
}

interface FailingJobRow {
  id: string
  user_id: string | null
  state: string
  retry_count: number
  retry_limit: number
  start_after: Date
  error: string | null
  created_on: Date
}

/** The tenant's retrying and failed jobs of one queue, oldest first. */
export async function tenantFailingJobs (db: Executor, queue: string, tenantId: string, limit: number) {
  const result = await sql<FailingJobRow>`
    select id, data->>'userId' as user_id, state::text as state, retry_count, retry_limit, start_after,
      coalesce(output->>'message', output::text) as error, created_on
    from ${job} where name = ${queue} and data->>'tenantId' = ${tenantId} and state in ('retry', 'failed')
    order by created_on limit ${limit}`.execute(db)
  return result.rows
}

export interface QueueSampleRow {
  name: string
  queued: number
  active: number
  deferred: number
  oldestSeconds: number | null
}

/** Depth by state and the oldest runnable job's age of each queue that has unfinished jobs. */
export async function queueSampleRows (db: Executor, queues: readonly string[]): Promise<QueueSampleRow[]> {
  const rows = (await sql<{ name: string, queued: Count, active: Count, deferred: Count, oldest: Count | null }>`
    select name,
      count(*) filter (where state in ('created', 'retry') and start_after <= ${now}) as queued,
      count(*) filter (where state = 'active') as active,
      count(*) filter (where state in ('created', 'retry') and start_after > ${now}) as deferred,
      extract(epoch from ${now} - min(created_on)
        filter (where state in ('created', 'retry') and start_after <= ${now})) as oldest
    from ${job} where name in (${sql.join(queues)}) and state in ('created', 'retry', 'active')
    group by name`.execute(db)).rows
  return rows.map((r) => ({
    name: r.name,
    queued: Number(r.queued),
    active: Number(r.active),
    deferred: Number(r.deferred),
    oldestSeconds: r.oldest === null ? null : Number(r.oldest)
  }))
}

/** The newest failed job of each of the tenant's people who have no pending job. */
export async function revivableFailedJobIds (db: Executor, queue: string, tenantId: string): Promise<string[]> {
  const failed = await sql<{ id: string }>`
    select distinct on (f.singleton_key) f.id from ${job} f
    where f.name = ${queue} and f.state = 'failed' and f.data->>'tenantId' = ${tenantId}
      and not exists (select 1 from ${job} p
        where p.name = f.name and p.singleton_key = f.singleton_key and p.state in ('created', 'retry'))
    order by f.singleton_key, f.created_on desc`.execute(db)
  return failed.rows.map((r) => r.id)
}

/** Makes the tenant's jobs waiting out a backoff due now; answers how many. */
export async function makeRetriesDue (db: Executor, queue: string, tenantId: string): Promise<number> {
  const due = await sql<{ id: string }>`
    update ${job} set start_after = ${now}
    where name = ${queue} and state = 'retry' and data->>'tenantId' = ${tenantId}
    returning id`.execute(db)
  return due.rows.length
}

export interface TenantLiveJobs {
  tenantId: string
  depth: number
  oldestSeconds: number | null
}

/**
 * Every tenant's unfinished jobs of one queue in one statement (depth and oldest age as
 * `tenantJobCounts` counts them), for the chart history. It reads only unfinished jobs, through
 * pg-boss's index on live states, so finished jobs kept for retention cost nothing; tenants
 * without unfinished jobs have no row.
 */
export async function liveJobsByTenant (db: Executor, queue: string): Promise<TenantLiveJobs[]> {
  const rows = (await sql<{ tenant_id: string, depth: Count, oldest: Count | null }>`
    select data->>'tenantId' as tenant_id, count(*) as depth,
      extract(epoch from ${now} - min(created_on)) as oldest
    from ${job} where name = ${queue} and state in ('created', 'retry', 'active')
    group by 1`.execute(db)).rows
  return rows.filter((r) => r.tenant_id !== null).map((r) => ({
    tenantId: r.tenant_id,
    depth: Number(r.depth),
    oldestSeconds: r.oldest === null ? null : Number(r.oldest)
  }))
}
