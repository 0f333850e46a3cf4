import type { Kysely } from 'kysely'
import type { DB } from '../db/schema.js'
import type { GovernorSnapshot } from '../meta/index.js'
import { brakeStatus } from '../brake/status.js'
import { queueStatus } from '../admin/queue-query.js'
import { effectiveDryRun, getMetaSettings } from '../tenants/meta-settings.js'
import { lastRequest, requestCountsSince } from '../request-log/scim-requests-repository.js'
import { lastRuns } from '../sync/runs-repository.js'
import { snapshotAssetIds } from '../sync/snapshot-repository.js'
import { listScimTokens } from '../tenants/tenants-repository.js'
import { classifyHealth, defaultHealthThresholds, type HealthStatus, type HealthThresholds } from './classify.js'

export interface TenantHealthDeps {
  db: Kysely<DB>
  /** The process's governor state; absent in a process without the provisioning runtime. */
  governor?: (() => GovernorSnapshot) | undefined
  thresholds?: HealthThresholds | undefined
  now?: (() => Date) | undefined
}

const DAY_MS = 86_400_000
const DRIFT_KEYS = ['unmanaged', 'missing', 'not_entitled', 'role_differences', 'asset_differences', 'stale_invites']

async function scimSide (db: Kysely<DB>, tenantId: string, now: Date) {
  const tokens = await listScimTokens(db, tenantId)
  const since = new Date(now.getTime() - DAY_MS)
  // Bounded by the (tenant_id, at) index: one day of one tenant's rows.
  const counts = await requestCountsSince(db, tenantId, since)
  const last = await lastRequest(db, tenantId)
  const byIdp: Record<string, Record<string, number>> = {}
  let total = 0
  let serverErrors = 0
  for (const r of counts) {
    byIdp[r.idp] = { ...byIdp[r.idp], [r.statusClass]: r.count }
    total += r.count
    if (r.statusClass === '5xx') serverErrors += r.count
  }
  return {
    tokens: tokens.map((t) => ({
      id: t.id,
      label: t.label,
      prefix: t.token_prefix,
      created_at: t.created_at,
      last_used_at: t.last_used_at,
      revoked_at: t.revoked_at
    })),
    active_tokens: tokens.filter((t) => t.revoked_at === null).length,
    requests_24h: { total, server_errors: serverErrors, by_idp: byIdp },
    last_request: last ?? null
  }
}

/** Buckets a tenant's calls run under: the app's, its business's and its known assets'. */
async function tenantBuckets (db: Kysely<DB>, tenantId: string, businessId: string | null, snapshot: GovernorSnapshot) {
  const assets = await snapshotAssetIds(db, tenantId)
  const ids = new Set([businessId, ...assets.map((id) => id.replace(/^act_/, ''))].filter((v) => v !== null))
  return snapshot.buckets
    .filter((b) => b.kind === 'app' || (b.objectId !== null && ids.has(b.objectId.replace(/^act_/, ''))))
    .map((b) => ({
      key: b.key,
      kind: b.kind,
      type: b.type,
      state: b.state,
      usage_percent: b.usagePct,
      paused_until: b.pausedUntil === null || b.pausedUntil <= snapshot.at ? null : new Date(b.pausedUntil),
      pause_reason: b.pauseReason,
      waiting: b.waiting
    }))
}

async function syncSide (db: Kysely<DB>, tenantId: string) {
  const { last, lastSuccess } = await lastRuns(db, tenantId)
  const counts = (lastSuccess?.counts ?? {}) as Record<string, number>
  return {
    last_run: last === undefined
      ? null
      : {
          id: last.id,
          status: last.status,
          trigger: last.trigger,
          started_at: last.started_at,
          finished_at: last.finished_at,
          error: last.error
        },
    last_success_at: lastSuccess?.finished_at ?? null,
    drift: lastSuccess === undefined ? null : Object.fromEntries(DRIFT_KEYS.map((k) => [k, counts[k] ?? 0]))
  }
}

/** A tenant's health in one call: SCIM side, Meta side, provisioning, sync, and one status with reasons. */
export async function tenantHealth (deps: TenantHealthDeps, tenantId: string) {
  const now = deps.now?.() ?? new Date()
  const { db } = deps
  const scim = await scimSide(db, tenantId, now)
  const settings = await getMetaSettings(db, tenantId)
  const snapshot = deps.governor?.()
  const buckets = snapshot === undefined ? null : await tenantBuckets(db, tenantId, settings.businessId, snapshot)
  const brake = await brakeStatus(db, tenantId, now)
  const queue = await queueStatus(db, tenantId, 20)
  const sync = await syncSide(db, tenantId)
  const throttled = (buckets ?? [])
    .filter((b) => b.state === 'paused' || b.state === 'probing' || b.paused_until !== null)
  const { status, reasons } = classifyHealth({
    now,
    activeTokens: scim.active_tokens,
    scim24h: { total: scim.requests_24h.total, serverErrors: scim.requests_24h.server_errors },
    meta: {
      configured: settings.businessId !== null,
      dryRun: effectiveDryRun(settings),
      connection: settings.connection.status,
      connectionError: settings.connection.error,
      throttled: throttled.map((b) => ({ key: b.key, pausedUntil: b.paused_until, reason: b.pause_reason }))
    },
    brake: { engaged: brake.engaged, held: brake.held },
    queue: {
      depth: queue.depth,
      oldestJobAgeSeconds: queue.oldest_job_age_seconds,
      failedJobs: queue.failed,
      failedPeople: queue.failed_people
    },
    sync: { lastStatus: sync.last_run?.status ?? null, lastError: sync.last_run?.error ?? null }
  }, deps.thresholds ?? defaultHealthThresholds)
  return {
    tenant_id: tenantId,
    status: status satisfies HealthStatus,
    reasons,
    checked_at: now,
    scim,
    meta: {
      business_id: settings.businessId,
      dry_run: effectiveDryRun(settings),
      connection: {
        status: settings.connection.status, error: settings.connection.error, changed_at: settings.connection.changedAt
      },
      rate_limit_buckets: buckets,
      removal_brake: {
        engaged: brake.engaged,
        engaged_at: brake.engagedAt,
        held: brake.held,
        used_in_window: brake.usedInWindow,
        limit: brake.limit
      }
    },
    provisioning: {
      queue_depth: queue.depth,
      oldest_job_age_seconds: queue.oldest_job_age_seconds,
      failed_jobs: queue.failed,
      failed_people: queue.failed_people,
      failing_jobs: queue.failing_jobs
    },
    sync
  }
}
