// What other modules hand to the metrics registry. Every label value here comes from a closed
// union or from code-chosen names (queue names), never from tenant, user or object ids.

import type { BucketSnapshot } from '../meta/index.js'

/** How a Graph call ended, as the Meta client reports it (src/meta/wire/call-report.ts). */
export type { MetaCallOutcome, MetaCallReport } from '../meta/index.js'

/** A SCIM request's operation as bounded labels (src/scim-api/operation-metrics.ts). */
export interface ScimOperation {
  resource: string
  operation: string
}

export type JobOutcome = 'completed' | 'failed' | 'retried'

export interface JobReport {
  /** The pg-boss queue name (a constant in code, e.g. `reconcile-user`). */
  queue: string
  outcome: JobOutcome
  durationSeconds?: number
}

/** One step of a provisioning plan: the step kinds of src/provisioning/engine/reconcile-types.ts that call Meta. */
export type ProvisioningAction =
  | 'invite'
  | 'change_invite_role'
  | 'cancel_invite'
  | 'change_role'
  | 'assign'
  | 'unassign'
  | 'remove'

/**
 * `applied`: Meta accepted it; `skipped`: a `skip` step (Work Accounts mode); `blocked`: a
 * `blocked` step (no email); `held`: the removal brake kept it; `dry_run`: planned, not called.
 */
export type ActionOutcome = 'applied' | 'skipped' | 'blocked' | 'held' | 'dry_run' | 'failed' | 'manual'

export type SyncTrigger = 'scheduled' | 'manual'

export interface SyncRunReport {
  trigger: SyncTrigger
  outcome: 'success' | 'failure'
  durationSeconds: number
}

/** pg.Pool's live counters (node-postgres `Pool`), read at scrape time. */
export interface PoolStats {
  readonly totalCount: number
  readonly idleCount: number
  readonly waitingCount: number
  readonly options?: { max?: number }
}

export interface QueueSample {
  queue: string
  /** Jobs waiting to run now (created or retry, start time reached). */
  queued: number
  active: number
  /** Jobs waiting for a later start time (retry backoff, scheduled). */
  deferred?: number
  /** Age of the oldest job that could run now but has not started; null when none waits. */
  oldestQueuedAgeSeconds: number | null
}

/** The subset of `MetaGovernor.snapshot()` that metrics read (src/meta/governor/governor.ts). */
export interface GovernorSample {
  buckets: ReadonlyArray<Pick<BucketSnapshot, 'kind' | 'type' | 'state' | 'usagePct' | 'waiting' | 'throttleEvents' | 'rejected'>>
}

export interface SyncSample {
  /** Largest time since a tenant's last successful sync, over all tenants with Meta configured. */
  oldestSuccessAgeSeconds: number | null
  /** People whose desired and observed Meta access differ (last drift report, all tenants). */
  driftedPeople?: number
  /** Changes waiting to be made by hand in Business Settings (pixel access), all tenants. */
  manualSteps?: number
  /** People entitled to a role who are not members of the business yet, all tenants. */
  waitingPeople?: number
  /** How long the longest of them has waited (since the bridge first recorded them). */
  longestWaitSeconds?: number
}

/** Tenants by health status (src/health/classify.ts), all tenants. */
export interface TenantHealthSample {
  healthy: number
  degraded: number
  failing: number
}

export interface RemovalBrakeSample {
  /** Removals and invite cancellations held for an admin's decision, all tenants. */
  heldRemovals: number
  /** Tenants whose removal budget is used up right now. */
  brakedTenants: number
}

export type OverloadReason = 'event_loop_delay' | 'heap'

export interface OverloadSample {
  eventLoopDelayMs: number
  heapUsedBytes: number
  overloaded: OverloadReason | null
}
