import type { Kysely } from 'kysely'
import type { DB } from '../db/schema.js'
import type { QueueSample } from '../metrics/types.js'
import { countFailedPeople, failedPeopleIds } from '../provisioning/records/people-repository.js'
import { RECONCILE_QUEUE, type ReconcileQueue } from '../provisioning/jobs/queue.js'
import {
  makeRetriesDue, queueSampleRows, revivableFailedJobIds, tenantFailingJobs, tenantJobCounts
} from '../provisioning/jobs/queue-repository.js'
import { UNMANAGED_QUEUE } from '../provisioning/engine/unmanaged-removal.js'

// The tenant's share of the reconcile queue (src/provisioning/queue-repository.ts reads it).

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

export async function queueStatus (db: Kysely<DB>, tenantId: string, failingLimit = 100): Promise<QueueStatus> {
  const counts = await tenantJobCounts(db, RECONCILE_QUEUE, tenantId)
  const failing = await tenantFailingJobs(db, RECONCILE_QUEUE, tenantId, failingLimit)
  return {
    depth: counts.queued + counts.active + counts.retrying,
    queued: counts.queued,
    active: counts.active,
    retrying: counts.retrying,
    failed: counts.failed,
    oldest_job_age_seconds: counts.oldestSeconds === null ? null : Math.round(counts.oldestSeconds),
    failed_people: await countFailedPeople(db, tenantId),
    failing_jobs: failing.map((r) => ({
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

/** The service's queues as a whole (every tenant), for /metrics; no per-tenant labels. */
export const METRIC_QUEUES: readonly string[] = [RECONCILE_QUEUE, UNMANAGED_QUEUE]

/** Depth by state and the oldest runnable job's age, per queue, for `metrics.observeQueues`. */
export async function queueSamples (db: Kysely<DB>, queues: readonly string[] = METRIC_QUEUES): Promise<QueueSample[]> {
  const rows = await queueSampleRows(db, queues)
  const byName = new Map(rows.map((r) => [r.name, r]))
  // Every queue gets a sample, so a drained queue reads 0 instead of keeping its last value.
  return queues.map((queue) => {
    const r = byName.get(queue)
    return {
      queue,
      queued: r?.queued ?? 0,
      active: r?.active ?? 0,
      deferred: r?.deferred ?? 0,
      oldestQueuedAgeSeconds: r?.oldestSeconds ?? null
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
  const failed = await revivableFailedJobIds(db, RECONCILE_QUEUE, tenantId)
  if (failed.length > 0) await queue.boss.retry(RECONCILE_QUEUE, failed)
  // Revived jobs keep their old start_after (pg-boss retry); both kinds become due now.
  const due = await makeRetriesDue(db, RECONCILE_QUEUE, tenantId)
  const people = await failedPeopleIds(db, tenantId)
  await queue.enqueueUsers(db, tenantId, people, 'retry now (admin)')
  return { retried_jobs: due - failed.length, revived_jobs: failed.length, requeued_people: people.length }
}
