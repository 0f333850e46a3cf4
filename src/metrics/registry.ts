import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client'
import { metaEndpointLabels, methodLabel, statusClass } from './labels.js'
import { SourceGroup, type GaugeSet, type Sampler } from './source.js'
import type {
  ActionOutcome, GovernorSample, JobReport, MetaCallReport, OverloadReason, OverloadSample, PoolStats,
  ProvisioningAction, QueueSample, RemovalBrakeSample, ScimOperation, SyncRunReport, SyncSample, TenantHealthSample
} from './types.js'
import {
  governorMetrics, overloadMetrics, poolMetrics, queueMetrics, removalBrakeMetrics, syncStateMetrics,
  tenantHealthMetrics
} from './gauges.js'

export interface HttpRequestReport {
  method: string
  /** The matched route pattern (`/scim/v2/Users/:id`), undefined when no route matched. */
  route: string | undefined
  status: number
  durationSeconds: number
}

export interface MetricsOptions {
  /** Node.js process metrics (prom-client defaults: CPU, memory, event loop, GC). */
  defaultMetrics?: boolean
  /** Longest a scrape waits for one collect-at-scrape callback. */
  sourceTimeoutMs?: number
}

/**
 * Every metric of the service in one registry per process. Other modules report through this
 * object and never import prom-client: `record*` for events, `observe*` for gauges read at
 * scrape time (each returns a function that detaches the callback).
 */
export interface Metrics {
  render: () => Promise<{ contentType: string, body: string }>
  recordHttpRequest: (report: HttpRequestReport) => void
  /** A SCIM request that reached a SCIM route, by operation (the SCIM scope reports it). */
  recordScimOperation: (operation: ScimOperation, status: number) => void
  recordRateLimited: () => void
  recordOverloadRejection: (reason: OverloadReason) => void
  recordMetaCall: (report: MetaCallReport) => void
  recordJob: (report: JobReport) => void
  recordProvisioningAction: (action: ProvisioningAction, outcome: ActionOutcome) => void
  recordSyncRun: (report: SyncRunReport) => void
  /** SCIM requests the request log never stored: its buffer was full, or a batch write failed. */
  recordRequestLogDropped: (reason: 'buffer_full' | 'write_failed', count: number) => void
  observeDatabasePool: (pool: PoolStats) => () => void
  observeQueues: (sampler: Sampler<QueueSample[]>) => () => void
  observeGovernor: (sampler: Sampler<GovernorSample>) => () => void
  observeSync: (sampler: Sampler<SyncSample>) => () => void
  observeRemovalBrake: (sampler: Sampler<RemovalBrakeSample>) => () => void
  observeOverload: (sampler: Sampler<OverloadSample>) => () => void
  observeTenantHealth: (sampler: Sampler<TenantHealthSample>) => () => void
}

// Okta's SPEC test wants answers under 600 ms; Entra gives up after 60 s (docs/idp-behaviour.md §B, §C).
const HTTP_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60]
const CALL_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300]
const SYNC_BUCKETS = [1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600, 7200]

export function createMetrics (options: MetricsOptions = {}): Metrics {
  const registry = new Registry()
  if (options.defaultMetrics !== false) collectDefaultMetrics({ register: registry })
  const registers = [registry]

  const httpRequests = new Counter({ name: 'scim_bridge_http_requests_total', help: 'HTTP requests by route pattern, method and status.', labelNames: ['method', 'route', 'status'] as const, registers })
  const httpDuration = new Histogram({ name: 'scim_bridge_http_request_duration_seconds', help: 'HTTP request latency by route pattern, method and status class.', labelNames: ['method', 'route', 'status_class'] as const, buckets: HTTP_BUCKETS, registers })
  const scimOperations = new Counter({ name: 'scim_bridge_scim_operations_total', help: 'SCIM operations (RFC 7644 §3) by resource type, operation and status class.', labelNames: ['resource', 'operation', 'status_class'] as const, registers })
  const rateLimited = new Counter({ name: 'scim_bridge_scim_rate_limited_total', help: 'SCIM requests refused with 429 by the per-tenant rate limit.', registers })
  const overloadRejected = new Counter({ name: 'scim_bridge_overload_rejected_total', help: 'Requests refused with 503 because the process was overloaded.', labelNames: ['reason'] as const, registers })
  const metaCalls = new Counter({ name: 'scim_bridge_meta_calls_total', help: 'Graph API calls by method, endpoint (ids stripped) and outcome.', labelNames: ['method', 'endpoint', 'outcome'] as const, registers })
  const metaDuration = new Histogram({ name: 'scim_bridge_meta_call_duration_seconds', help: 'Graph API call latency by method and endpoint.', labelNames: ['method', 'endpoint'] as const, buckets: CALL_BUCKETS, registers })
  const jobs = new Counter({ name: 'scim_bridge_jobs_total', help: 'Background jobs finished, by queue and outcome.', labelNames: ['queue', 'outcome'] as const, registers })
  const jobDuration = new Histogram({ name: 'scim_bridge_job_duration_seconds', help: 'Background job run time by queue.', labelNames: ['queue'] as const, buckets: CALL_BUCKETS, registers })
  const actions = new Counter({ name: 'scim_bridge_provisioning_actions_total', help: 'Provisioning plan steps by action and outcome.', labelNames: ['action', 'outcome'] as const, registers })
  const syncRuns = new Counter({ name: 'scim_bridge_sync_runs_total', help: 'Meta sync runs by trigger and outcome.', labelNames: ['trigger', 'outcome'] as const, registers })
  const syncDuration = new Histogram({ name: 'scim_bridge_sync_duration_seconds', help: 'Meta sync run time by trigger.', labelNames: ['trigger'] as const, buckets: SYNC_BUCKETS, registers })
  const requestLogDropped = new Counter({ name: 'scim_bridge_request_log_dropped_total', help: 'SCIM requests left out of the request log, by reason (buffer_full, write_failed).', labelNames: ['reason'] as const, registers })
  const sourceErrors = new Counter({ name: 'scim_bridge_metrics_source_errors_total', help: 'Collect-at-scrape callbacks that failed or timed out.', labelNames: ['source'] as const, registers })

  const timeoutMs = options.sourceTimeoutMs ?? 2_000
  const group = <S>(name: string, spec: GaugeSet<S>): SourceGroup<S> =>
    new SourceGroup<S>({ name, registry, metrics: spec.metrics, apply: spec.apply, errors: sourceErrors, timeoutMs })
  const pools = group('db_pool', poolMetrics())
  const queues = group('queues', queueMetrics())
  const governor = group('governor', governorMetrics())
  const sync = group('sync', syncStateMetrics())
  const brake = group('removal_brake', removalBrakeMetrics())
  const overload = group('overload', overloadMetrics())
  const health = group('tenant_health', tenantHealthMetrics())
  const groups = [pools, queues, governor, sync, brake, overload, health]

  return {
    async render () {
      await Promise.all(groups.map(async (g) => { await g.refresh() }))
      return { contentType: registry.contentType, body: await registry.metrics() }
    },
    recordHttpRequest ({ method, route, status, durationSeconds }) {
      const m = methodLabel(method)
      const r = route ?? 'unmatched'
      httpRequests.inc({ method: m, route: r, status: String(status) })
      httpDuration.observe({ method: m, route: r, status_class: statusClass(status) }, durationSeconds)
    },
    recordScimOperation (operation, status) { scimOperations.inc({ ...operation, status_class: statusClass(status) }) },
    recordRateLimited () { rateLimited.inc() },
    recordOverloadRejection (reason) { overloadRejected.inc({ reason }) },
    recordMetaCall ({ endpoint, outcome, durationSeconds }) {
      const labels = metaEndpointLabels(endpoint)
      metaCalls.inc({ ...labels, outcome })
      if (durationSeconds !== undefined) metaDuration.observe(labels, durationSeconds)
    },
    recordJob ({ queue, outcome, durationSeconds }) {
      jobs.inc({ queue, outcome })
      if (durationSeconds !== undefined) jobDuration.observe({ queue }, durationSeconds)
    },
    recordProvisioningAction (action, outcome) { actions.inc({ action, outcome }) },
    recordSyncRun ({ trigger, outcome, durationSeconds }) {
      syncRuns.inc({ trigger, outcome })
      syncDuration.observe({ trigger }, durationSeconds)
    },
    recordRequestLogDropped (reason, count) { requestLogDropped.inc({ reason }, count) },
    observeDatabasePool: (pool) => pools.add(() => pool),
    observeQueues: (sampler) => queues.add(sampler),
    observeGovernor: (sampler) => governor.add(sampler),
    observeSync: (sampler) => sync.add(sampler),
    observeRemovalBrake: (sampler) => brake.add(sampler),
    observeOverload: (sampler) => overload.add(sampler),
    observeTenantHealth: (sampler) => health.add(sampler)
  }
}
