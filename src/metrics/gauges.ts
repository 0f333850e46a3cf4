import { Counter, Gauge } from 'prom-client'
import type { GaugeSet } from './source.js'
import type {
  GovernorSample, OverloadSample, PoolStats, QueueSample, RemovalBrakeSample, SyncSample, TenantHealthSample
} from './types.js'

// Families read at scrape time. Created unregistered (`registers: []`): SourceGroup registers
// them when the first callback attaches.
const registers: [] = []

export function poolMetrics (): GaugeSet<PoolStats> {
  const connections = new Gauge({ name: 'scim_bridge_db_pool_connections', help: 'Database pool connections by state (busy = checked out).', labelNames: ['state'] as const, registers })
  const max = new Gauge({ name: 'scim_bridge_db_pool_max_connections', help: 'Database pool size limit (DATABASE_POOL_SIZE; 1 on the embedded database).', registers })
  const waiting = new Gauge({ name: 'scim_bridge_db_pool_waiting_clients', help: 'Queries waiting for a free pool connection.', registers })
  return {
    metrics: [connections, max, waiting],
    apply (pools) {
      let idle = 0; let total = 0; let limit = 0; let queued = 0
      for (const pool of pools) {
        idle += pool.idleCount
        total += pool.totalCount
        queued += pool.waitingCount
        limit += pool.options?.max ?? 0
      }
      connections.set({ state: 'idle' }, idle)
      connections.set({ state: 'busy' }, Math.max(0, total - idle))
      max.set(limit)
      waiting.set(queued)
    }
  }
}

export function queueMetrics (): GaugeSet<QueueSample[]> {
  const jobs = new Gauge({ name: 'scim_bridge_queue_jobs', help: 'Background jobs not yet finished, by queue and state (the whole queue, as this process sees it in the database).', labelNames: ['queue', 'state'] as const, registers })
  const oldest = new Gauge({ name: 'scim_bridge_queue_oldest_job_age_seconds', help: 'Age of the oldest job that could run but has not started (0 when none waits).', labelNames: ['queue'] as const, registers })
  return {
    metrics: [jobs, oldest],
    apply (lists) {
      // The queue lives in the shared database, so two samplers of one queue see the same jobs:
      // take the largest reading instead of adding them up.
      const max = new Map<string, number>()
      const keep = (key: string, value: number): void => { max.set(key, Math.max(max.get(key) ?? 0, value)) }
      for (const q of lists.flat()) {
        keep(`${q.queue}\u0000queued`, q.queued)
        keep(`${q.queue}\u0000active`, q.active)
        keep(`${q.queue}\u0000deferred`, q.deferred ?? 0)
        keep(`${q.queue}\u0000oldest`, q.oldestQueuedAgeSeconds ?? 0)
      }
      for (const [key, value] of max) {
        const [queue = '', state = ''] = key.split('\u0000')
        if (state === 'oldest') oldest.set({ queue }, value)
        else jobs.set({ queue, state }, value)
      }
    }
  }
}

// BUC types are Meta's words (reference §5.1, about ten); anything else odd collapses to `other`.
function bucketType (type: string | null): string {
  if (type === null) return 'none'
  return /^[a-z_]{1,40}$/.test(type) ? type : 'other'
}

export function governorMetrics (): GaugeSet<GovernorSample> {
  const labelNames = ['kind', 'type'] as const
  const buckets = new Gauge({ name: 'scim_bridge_meta_buckets', help: 'Meta rate-limit buckets by kind, BUC type and state (open, slowed, paused, probing).', labelNames: ['kind', 'type', 'state'] as const, registers })
  const usage = new Gauge({ name: 'scim_bridge_meta_bucket_usage_percent', help: 'Highest usage Meta reported for any bucket of this kind and type (X-App-Usage, X-Business-Use-Case-Usage).', labelNames, registers })
  const waiting = new Gauge({ name: 'scim_bridge_meta_governor_waiting_calls', help: 'Graph calls waiting for their rate-limit bucket to open.', labelNames, registers })
  const pauses = new Counter({ name: 'scim_bridge_meta_throttle_pauses_total', help: 'Throttle errors from Meta that paused a bucket, by kind and BUC type.', labelNames, registers })
  const rejected = new Counter({ name: 'scim_bridge_meta_governor_rejected_total', help: 'Graph calls not sent because their bucket stayed paused past the wait limit.', labelNames, registers })
  return {
    metrics: [buckets, usage, waiting, pauses, rejected],
    apply (samples) {
      const peak = new Map<string, { kind: string, type: string, value: number }>()
      for (const b of samples.flatMap((s) => s.buckets)) {
        const labels = { kind: b.kind, type: bucketType(b.type) }
        buckets.inc({ ...labels, state: b.state })
        waiting.inc(labels, b.waiting)
        pauses.inc(labels, b.throttleEvents)
        rejected.inc(labels, b.rejected)
        if (b.usagePct !== null) {
          const key = `${labels.kind}|${labels.type}`
          const seen = peak.get(key)
          if (seen === undefined || b.usagePct > seen.value) peak.set(key, { ...labels, value: b.usagePct })
        }
      }
      for (const { kind, type, value } of peak.values()) usage.set({ kind, type }, value)
    }
  }
}

export function syncStateMetrics (): GaugeSet<SyncSample> {
  const age = new Gauge({ name: 'scim_bridge_sync_oldest_success_age_seconds', help: 'Longest time since any tenant\'s last successful Meta sync.', registers })
  const drift = new Gauge({ name: 'scim_bridge_sync_drifted_people', help: 'People whose desired and observed Meta access differ, all tenants.', registers })
  const manual = new Gauge({ name: 'scim_bridge_manual_steps_pending', help: 'Changes Meta\'s API cannot make (pixel access to remove in Business Settings), waiting for an admin, all tenants.', registers })
  const waiting = new Gauge({ name: 'scim_bridge_meta_people_waiting', help: 'People entitled to a business role who are not members yet, all tenants.', registers })
  const longest = new Gauge({ name: 'scim_bridge_meta_people_waiting_longest_seconds', help: 'How long the longest-waiting entitled person has not been a member.', registers })
  return {
    metrics: [age, drift, manual, waiting, longest],
    apply (samples) {
      age.set(Math.max(0, ...samples.map((s) => s.oldestSuccessAgeSeconds ?? 0)))
      drift.set(samples.reduce((sum, s) => sum + (s.driftedPeople ?? 0), 0))
      manual.set(samples.reduce((sum, s) => sum + (s.manualSteps ?? 0), 0))
      waiting.set(samples.reduce((sum, s) => sum + (s.waitingPeople ?? 0), 0))
      longest.set(Math.max(0, ...samples.map((s) => s.longestWaitSeconds ?? 0)))
    }
  }
}

export function removalBrakeMetrics (): GaugeSet<RemovalBrakeSample> {
  const held = new Gauge({ name: 'scim_bridge_removals_held', help: 'Removals and invite cancellations held by the removal brake for an admin.', registers })
  const braked = new Gauge({ name: 'scim_bridge_removal_brake_engaged_tenants', help: 'Tenants whose removal budget is used up.', registers })
  return {
    metrics: [held, braked],
    apply (samples) {
      held.set(samples.reduce((sum, s) => sum + s.heldRemovals, 0))
      braked.set(samples.reduce((sum, s) => sum + s.brakedTenants, 0))
    }
  }
}

export function tenantHealthMetrics (): GaugeSet<TenantHealthSample> {
  const tenants = new Gauge({
    name: 'scim_bridge_tenants_by_health',
    help: 'Tenants by health status (healthy, degraded, failing), as GET /admin/v1/tenants/{id}/health reports it.',
    labelNames: ['status'] as const,
    registers
  })
  return {
    metrics: [tenants],
    apply (samples) {
      for (const status of ['healthy', 'degraded', 'failing'] as const) {
        tenants.set({ status }, samples.reduce((sum, s) => sum + s[status], 0))
      }
    }
  }
}

export function overloadMetrics (): GaugeSet<OverloadSample> {
  const overloaded = new Gauge({ name: 'scim_bridge_overloaded', help: '1 while the process sheds load with 503, by reason.', labelNames: ['reason'] as const, registers })
  const delay = new Gauge({ name: 'scim_bridge_overload_event_loop_delay_seconds', help: 'Mean event-loop delay over the last sample window, as the overload guard sees it.', registers })
  const heap = new Gauge({ name: 'scim_bridge_overload_heap_used_bytes', help: 'V8 heap in use at the last sample, as the overload guard sees it.', registers })
  return {
    metrics: [overloaded, delay, heap],
    apply (samples) {
      for (const reason of ['event_loop_delay', 'heap'] as const) {
        overloaded.set({ reason }, samples.some((s) => s.overloaded === reason) ? 1 : 0)
      }
      delay.set(Math.max(0, ...samples.map((s) => s.eventLoopDelayMs)) / 1000)
      heap.set(Math.max(0, ...samples.map((s) => s.heapUsedBytes)))
    }
  }
}
