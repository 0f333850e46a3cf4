import type { Kysely } from 'kysely'
import type { DB } from '../db/schema.js'
import { invitedInRange } from '../provisioning/records/audit-repository.js'
import { pendingInvitationAgesDays } from '../provisioning/records/people-repository.js'
import { queueHistory, rateLimitHistory, rateLimitPauses, type PauseRow } from './history-repository.js'

// Bucketed counts for the console's charts. Every query is bounded: one tenant, a time range
// the route caps, an index on (tenant_id, at), and at most a few thousand buckets per series.

export interface Range { since: Date, until: Date }

const AGE_BUCKETS = [['0-7d', 0, 7], ['7-14d', 7, 14], ['14-30d', 14, 30], ['30d+', 30, null]] as const

/**
 * The invitation funnel: people invited in the range (an applied `invite` in the audit log),
 * how many of them are members now, how many still pending, and every pending invitation by
 * the age of its last invite. Expiry is Meta's and not recorded here: a pending invitation
 * older than Meta's validity shows up in the oldest age bucket and in the drift report.
 */
export async function invitationFunnel (db: Kysely<DB>, tenantId: string, range: Range, now: Date) {
  const invited = await invitedInRange(db, tenantId, range)
  const byAge = Object.fromEntries(AGE_BUCKETS.map(([label]) => [label, 0])) as Record<string, number>
  for (const age of await pendingInvitationAgesDays(db, tenantId, now)) {
    const bucket = AGE_BUCKETS.find(([, low, high]) => age >= low && (high === null || age < high))
    if (bucket !== undefined) byAge[bucket[0]] = (byAge[bucket[0]] ?? 0) + 1
  }
  return {
    invited: invited.invited,
    accepted: invited.accepted,
    pending_from_range: invited.pending,
    pending_by_age: byAge
  }
}

/**
 * The tenant's reconcile queue over time, from the sampled history (history-sampler.ts): per
 * bucket the highest depth and oldest job age its rounds saw, and how many rounds it holds. A
 * bucket no round fell in (the sampler was not running) is absent, not zero.
 */
export async function queueDepthSeries (db: Kysely<DB>, tenantId: string, range: Range, bucketSeconds: number) {
  const rows = await queueHistory(db, tenantId, range, bucketSeconds)
  return rows.map((r) => ({
    at: r.at, rounds: r.rounds, depth_max: r.depth, oldest_job_age_seconds_max: r.oldestSeconds
  }))
}

/** Rate-limit buckets per chart: the ones with the highest usage in the range. */
export const MAX_RATE_LIMIT_BUCKETS = 8
/** Pause intervals per answer. */
export const MAX_PAUSES = 500

/** Overlapping or touching pauses of one bucket as one interval (a pause extended is one pause). */
export function mergePauses (pauses: readonly PauseRow[]): PauseRow[] {
  const sorted = [...pauses].sort((a, b) => a.bucket.localeCompare(b.bucket) || a.since.getTime() - b.since.getTime())
  const out: PauseRow[] = []
  for (const p of sorted) {
    const last = out.at(-1)
    if (last !== undefined && last.bucket === p.bucket && p.since <= last.until) {
      if (p.until > last.until) last.until = p.until
    } else {
      out.push({ ...p })
    }
  }
  return out.sort((a, b) => a.since.getTime() - b.since.getTime() || a.bucket.localeCompare(b.bucket))
}

/**
 * Usage of the rate-limit buckets the tenant's calls run under, from the sampled history: per
 * time bucket and rate-limit bucket the highest usage and how many samples found it paused,
 * and the pause intervals (from the first sample that saw a pause to its end).
 */
export async function rateLimitSeries (db: Kysely<DB>, tenantId: string, range: Range, bucketSeconds: number) {
  const rows = await rateLimitHistory(db, tenantId, range, bucketSeconds, MAX_RATE_LIMIT_BUCKETS)
  const pauses = mergePauses(await rateLimitPauses(db, tenantId, range, MAX_RATE_LIMIT_BUCKETS, MAX_PAUSES))
  return {
    points: rows.map((r) => ({
      at: r.at, bucket: r.bucket, usage_percent_max: r.usagePct, samples: r.samples, paused_samples: r.paused
    })),
    pauses: pauses.map((p) => ({ bucket: p.bucket, since: p.since, until: p.until }))
  }
}
