import { sql } from 'kysely'
import type { Executor } from '../db/executor.js'

// The chart history's tables (src/charts/tables.ts). Every read is one tenant and a time range
// on the primary key (tenant_id, at); rounds are read by their own key (at).

type Count = string | number

export interface QueueSampleInput { tenantId: string, depth: number, oldestSeconds: number | null }
export interface RateLimitSampleInput {
  tenantId: string
  bucket: string
  usagePct: number | null
  pausedUntil: Date | null
}

const bin = (bucketSeconds: number, column: string) =>
  sql`date_bin(make_interval(secs => ${bucketSeconds}), ${sql.ref(column)}, timestamptz '2000-01-01')`

/** Takes the sampling round at `at` for this process; false when another replica has it. */
export async function claimRound (db: Executor, at: Date, takenBy: string): Promise<boolean> {
  const taken = await db.insertInto('chart_sample_rounds').values({ at, taken_by: takenBy })
    .onConflict((oc) => oc.column('at').doNothing()).returning('at').executeTakeFirst()
  return taken !== undefined
}

/** Queue rows of one round; a job of a tenant deleted meanwhile is skipped, not an error. */
export async function insertQueueSamples (db: Executor, at: Date, rows: readonly QueueSampleInput[]): Promise<number> {
  if (rows.length === 0) return 0
  const json = JSON.stringify(rows.map((r) => ({
    tenant_id: r.tenantId, depth: r.depth, oldest: r.oldestSeconds === null ? null : Math.round(r.oldestSeconds)
  })))
  const result = await sql`
    insert into queue_samples (tenant_id, at, depth, oldest_age_seconds)
    select t.id, ${at}, r.depth, r.oldest
    from json_to_recordset(${json}::json) as r(tenant_id text, depth integer, oldest integer)
    join tenants t on t.id::text = r.tenant_id
    on conflict do nothing`.execute(db)
  return Number(result.numAffectedRows ?? 0)
}

/**
 * Bucket rows of one round. Each replica's governor writes its own view into the same row:
 * the higher usage and the later pause end win (greatest() skips nulls).
 */
export async function upsertRateLimitSamples (
  db: Executor, at: Date, rows: readonly RateLimitSampleInput[]
): Promise<number> {
  if (rows.length === 0) return 0
  const json = JSON.stringify(rows.map((r) => ({
    tenant_id: r.tenantId, bucket: r.bucket, usage: r.usagePct, paused_until: r.pausedUntil?.toISOString() ?? null
  })))
  const result = await sql`
    insert into rate_limit_samples (tenant_id, at, bucket, usage_pct, paused_until)
    select t.id, ${at}, r.bucket, r.usage, r.paused_until
    from json_to_recordset(${json}::json) as r(tenant_id text, bucket text, usage real, paused_until timestamptz)
    join tenants t on t.id::text = r.tenant_id
    on conflict (tenant_id, at, bucket) do update set
      usage_pct = greatest(rate_limit_samples.usage_pct, excluded.usage_pct),
      paused_until = greatest(rate_limit_samples.paused_until, excluded.paused_until)`.execute(db)
  return Number(result.numAffectedRows ?? 0)
}

/** Tenants that have any stored sample (each test an index probe on the primary keys). */
export async function tenantsWithSamples (db: Executor): Promise<string[]> {
  const rows = await db.selectFrom('tenants').select('id')
    .where((eb) => eb.or([
      eb.exists(eb.selectFrom('queue_samples').select(sql`1`.as('one')).whereRef('queue_samples.tenant_id', '=', 'tenants.id')),
      eb.exists(eb.selectFrom('rate_limit_samples').select(sql`1`.as('one'))
        .whereRef('rate_limit_samples.tenant_id', '=', 'tenants.id'))
    ]))
    .execute()
  return rows.map((r) => r.id)
}

/**
 * Deletes a tenant's samples older than `olderThan`, in chunks on the primary key, so one prune
 * never holds the embedded database's only connection long.
 */
export async function pruneTenantSamples (
  db: Executor, tenantId: string, olderThan: Date, chunk = 5_000
): Promise<number> {
  let total = 0
  for (;;) {
    const r = await sql`delete from queue_samples where (tenant_id, at) in (select tenant_id, at from queue_samples
      where tenant_id = ${tenantId} and at < ${olderThan} limit ${chunk})`.execute(db)
    const n = Number(r.numAffectedRows ?? 0)
    total += n
    if (n < chunk) break
  }
  for (;;) {
    const r = await sql`delete from rate_limit_samples where (tenant_id, at, bucket) in (select tenant_id, at, bucket
      from rate_limit_samples where tenant_id = ${tenantId} and at < ${olderThan} limit ${chunk})`.execute(db)
    const n = Number(r.numAffectedRows ?? 0)
    total += n
    if (n < chunk) break
  }
  return total
}

export async function pruneRounds (db: Executor, olderThan: Date): Promise<number> {
  const r = await db.deleteFrom('chart_sample_rounds').where('at', '<', olderThan).executeTakeFirst()
  return Number(r.numDeletedRows)
}

export interface QueueHistoryRow { at: Date, rounds: number, depth: number, oldestSeconds: number | null }

/**
 * The tenant's queue per bucket: the highest depth and oldest age of the bucket's rounds. A
 * round without the tenant's row counts as an empty queue; a bucket without rounds has no row.
 */
export async function queueHistory (
  db: Executor, tenantId: string, range: { since: Date, until: Date }, bucketSeconds: number
): Promise<QueueHistoryRow[]> {
  const rows = await sql<{ bucket: Date, rounds: Count, depth: Count | null, oldest: Count | null }>`
    select ${bin(bucketSeconds, 'r.at')} as bucket, count(*) as rounds, max(q.depth) as depth,
      max(q.oldest_age_seconds) as oldest
    from chart_sample_rounds r
    left join queue_samples q on q.tenant_id = ${tenantId} and q.at = r.at
    where r.at >= ${range.since} and r.at < ${range.until}
    group by 1 order by 1`.execute(db)
  return rows.rows.map((r) => ({
    at: new Date(r.bucket),
    rounds: Number(r.rounds),
    depth: Number(r.depth ?? 0),
    oldestSeconds: r.oldest === null ? null : Number(r.oldest)
  }))
}

export interface RateLimitHistoryRow {
  at: Date
  bucket: string
  usagePct: number | null
  samples: number
  paused: number
}
export interface PauseRow { bucket: string, since: Date, until: Date }

/** The tenant's `limit` buckets with the highest usage in the range, as a subquery. */
function topBuckets (tenantId: string, range: { since: Date, until: Date }, limit: number) {
  return sql`select bucket from rate_limit_samples
    where tenant_id = ${tenantId} and at >= ${range.since} and at < ${range.until}
    group by bucket order by max(coalesce(usage_pct, 0)) desc, bucket limit ${limit}`
}

/**
 * Usage per rate-limit bucket and time bucket: the highest usage of its samples, how many
 * samples, and how many of them found the bucket paused. At most `maxBuckets` rate-limit buckets.
 */
export async function rateLimitHistory (
  db: Executor, tenantId: string, range: { since: Date, until: Date }, bucketSeconds: number, maxBuckets: number
): Promise<RateLimitHistoryRow[]> {
  const rows = await sql<{ at: Date, bucket: string, usage: number | null, samples: Count, paused: Count }>`
    select ${bin(bucketSeconds, 'at')} as at, bucket, max(usage_pct) as usage, count(*) as samples,
      count(*) filter (where paused_until > at) as paused
    from rate_limit_samples
    where tenant_id = ${tenantId} and at >= ${range.since} and at < ${range.until}
      and bucket in (${topBuckets(tenantId, range, maxBuckets)})
    group by 1, 2 order by 1, 2`.execute(db)
  return rows.rows.map((r) => ({
    at: new Date(r.at),
    bucket: r.bucket,
    usagePct: r.usage === null ? null : Number(r.usage),
    samples: Number(r.samples),
    paused: Number(r.paused)
  }))
}

/**
 * Pauses seen in the range: per bucket and pause end, the first sample that found it. The pause
 * began at most one sampling interval before that sample.
 */
export async function rateLimitPauses (
  db: Executor, tenantId: string, range: { since: Date, until: Date }, maxBuckets: number, limit: number
): Promise<PauseRow[]> {
  const rows = await sql<{ bucket: string, since: Date, until: Date }>`
    select bucket, min(at) as since, paused_until as until
    from rate_limit_samples
    where tenant_id = ${tenantId} and at >= ${range.since} and at < ${range.until} and paused_until > at
      and bucket in (${topBuckets(tenantId, range, maxBuckets)})
    group by bucket, paused_until order by 2, 1 limit ${limit}`.execute(db)
  return rows.rows.map((r) => ({ bucket: r.bucket, since: new Date(r.since), until: new Date(r.until) }))
}
