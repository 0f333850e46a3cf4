// One status for a tenant from the facts the health summary gathers: healthy, degraded (works,
// but something needs a look or is slowed) or failing (provisioning cannot work until someone
// acts). Pure, so each rule is tested with a table.

export type HealthStatus = 'healthy' | 'degraded' | 'failing'

export interface HealthReason {
  status: Exclude<HealthStatus, 'healthy'>
  /** A stable code for alerts and the console. */
  code: string
  message: string
}

export interface HealthFacts {
  now: Date
  activeTokens: number
  scim24h: { total: number, serverErrors: number }
  meta: {
    configured: boolean
    dryRun: boolean
    connection: 'unknown' | 'connected' | 'disconnected'
    connectionError: string | null
    /** Governor buckets this tenant's calls run under that are paused or probing after a pause. */
    throttled: Array<{ key: string, pausedUntil: Date | null, reason: string | null }>
  }
  brake: { engaged: boolean, held: number }
  queue: { depth: number, oldestJobAgeSeconds: number | null, failedJobs: number, failedPeople: number }
  sync: { lastStatus: 'running' | 'succeeded' | 'failed' | null, lastError: string | null }
}

export interface HealthThresholds {
  /** The oldest runnable job older than this means the queue is stuck. */
  stuckQueueSeconds: number
  /** Share of SCIM answers in 24 h that were 5xx, from which the tenant is failing. */
  failingServerErrorShare: number
}

export const defaultHealthThresholds: HealthThresholds = { stuckQueueSeconds: 900, failingServerErrorShare: 0.5 }

export function classifyHealth (f: HealthFacts, th: HealthThresholds = defaultHealthThresholds): {
  status: HealthStatus
  reasons: HealthReason[]
} {
  const reasons: HealthReason[] = []
  const add = (status: HealthReason['status'], code: string, message: string) => {
    reasons.push({ status, code, message })
  }

  if (f.activeTokens === 0) add('failing', 'no_scim_token', 'no active SCIM token: the IdP cannot provision')
  if (f.scim24h.serverErrors > 0) {
    const share = f.scim24h.serverErrors / Math.max(1, f.scim24h.total)
    add(share >= th.failingServerErrorShare && f.scim24h.total >= 10 ? 'failing' : 'degraded', 'scim_server_errors',
      `${f.scim24h.serverErrors} of ${f.scim24h.total} SCIM requests in the last 24 h answered 5xx`)
  }
  if (f.meta.configured && !f.meta.dryRun && f.meta.connection === 'disconnected') {
    const why = f.meta.connectionError === null ? '' : `: ${f.meta.connectionError}`
    add('failing', 'meta_disconnected', `Meta refused the tenant's token${why}`)
  }
  for (const bucket of f.meta.throttled) {
    const until = bucket.pausedUntil === null ? '' : ` until ${bucket.pausedUntil.toISOString()}`
    const why = bucket.reason === null ? '' : ` (${bucket.reason})`
    add('degraded', 'meta_throttled', `Meta is throttling: ${bucket.key} paused${until}${why}`)
  }
  if (f.brake.engaged || f.brake.held > 0) {
    add('degraded', 'removals_held', `removal brake engaged: ${f.brake.held} removal(s) wait for an admin's decision`)
  }
  if (f.queue.oldestJobAgeSeconds !== null && f.queue.oldestJobAgeSeconds > th.stuckQueueSeconds) {
    add('degraded', 'queue_stuck',
      `the oldest of ${f.queue.depth} queued reconcile(s) has waited ${Math.round(f.queue.oldestJobAgeSeconds / 60)}` +
      ' min')
  }
  if (f.queue.failedJobs > 0 || f.queue.failedPeople > 0) {
    add('degraded', 'provisioning_failures',
      `${f.queue.failedPeople} person(s) failed to provision, ${f.queue.failedJobs} job(s) gave up`)
  }
  if (f.sync.lastStatus === 'failed') {
    add('degraded', 'sync_failed', `the last sync failed: ${f.sync.lastError ?? 'unknown error'}`)
  }

  const status: HealthStatus = reasons.some((r) => r.status === 'failing')
    ? 'failing'
    : reasons.length > 0 ? 'degraded' : 'healthy'
  return { status, reasons }
}
