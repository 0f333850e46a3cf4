import t from 'tap'
import { createMetrics } from '../../src/metrics/registry.js'
import { metaEndpointLabels } from '../../src/metrics/labels.js'
import { MetaGovernor } from '../../src/meta/index.js'

function series (body: string, line: string): number | undefined {
  const found = body.split('\n').find((l) => l.startsWith(`${line} `))
  return found === undefined ? undefined : Number(found.slice(line.length + 1))
}

const render = async (metrics: ReturnType<typeof createMetrics>): Promise<string> => (await metrics.render()).body

t.test('Graph endpoints lose their ids and version', async (t) => {
  t.same(metaEndpointLabels('POST /v26.0/1234567890/business_users'), { method: 'POST', endpoint: '/{id}/business_users' })
  t.same(metaEndpointLabels('DELETE /v26.0/act_555/assigned_users'), { method: 'DELETE', endpoint: '/act_{id}/assigned_users' })
  t.same(metaEndpointLabels('GET /v25.0/2000000009'), { method: 'GET', endpoint: '/{id}' })
  t.same(metaEndpointLabels('POST /v26.0/'), { method: 'POST', endpoint: '/' }, 'batch')
  t.same(metaEndpointLabels('GET /v26.0/123/pending_users?email=a@b.c'), { method: 'GET', endpoint: '/{id}/pending_users' })
  t.same(metaEndpointLabels('BREW /v26.0/Odd-Thing'), { method: 'other', endpoint: '/{id}' })
})

t.test('Meta calls, jobs, actions and sync runs are counted with bounded labels', async (t) => {
  const metrics = createMetrics({ defaultMetrics: false })
  metrics.recordMetaCall({ endpoint: 'POST /v26.0/111/business_users', outcome: 'success', durationSeconds: 0.2 })
  metrics.recordMetaCall({ endpoint: 'POST /v26.0/222/business_users', outcome: 'rate_limited', durationSeconds: 0.1 })
  metrics.recordMetaCall({ endpoint: 'GET /v26.0/act_9/assigned_users', outcome: 'not_sent' })
  metrics.recordJob({ queue: 'reconcile-user', outcome: 'completed', durationSeconds: 1.5 })
  metrics.recordJob({ queue: 'reconcile-user', outcome: 'retried' })
  metrics.recordProvisioningAction('invite', 'applied')
  metrics.recordProvisioningAction('remove', 'held')
  metrics.recordSyncRun({ trigger: 'scheduled', outcome: 'success', durationSeconds: 42 })
  const body = await render(metrics)
  t.equal(series(body, 'scim_bridge_meta_calls_total{method="POST",endpoint="/{id}/business_users",outcome="success"}'), 1)
  t.equal(series(body, 'scim_bridge_meta_calls_total{method="POST",endpoint="/{id}/business_users",outcome="rate_limited"}'), 1)
  t.equal(series(body, 'scim_bridge_meta_calls_total{method="GET",endpoint="/act_{id}/assigned_users",outcome="not_sent"}'), 1)
  t.equal(series(body, 'scim_bridge_meta_call_duration_seconds_count{method="POST",endpoint="/{id}/business_users"}'), 2)
  t.equal(series(body, 'scim_bridge_meta_call_duration_seconds_count{method="GET",endpoint="/act_{id}/assigned_users"}'), undefined, 'no duration for an unsent call')
  t.notMatch(body, '111')
  t.equal(series(body, 'scim_bridge_jobs_total{queue="reconcile-user",outcome="completed"}'), 1)
  t.equal(series(body, 'scim_bridge_jobs_total{queue="reconcile-user",outcome="retried"}'), 1)
  t.equal(series(body, 'scim_bridge_job_duration_seconds_sum{queue="reconcile-user"}'), 1.5)
  t.equal(series(body, 'scim_bridge_provisioning_actions_total{action="remove",outcome="held"}'), 1)
  t.equal(series(body, 'scim_bridge_sync_runs_total{trigger="scheduled",outcome="success"}'), 1)
  t.equal(series(body, 'scim_bridge_sync_duration_seconds_sum{trigger="scheduled"}'), 42)
  t.notMatch(body, /^process_/m, 'default metrics can be left out')
})

t.test('queue gauges are read at scrape time; samplers of one queue are not added up', async (t) => {
  const metrics = createMetrics({ defaultMetrics: false })
  t.notMatch(await render(metrics), 'scim_bridge_queue_jobs', 'absent until a sampler attaches')
  let depth = 7
  metrics.observeQueues(() => [{ queue: 'reconcile-user', queued: depth, active: 2, deferred: 1, oldestQueuedAgeSeconds: 30 }])
  const detach = metrics.observeQueues(async () => [{ queue: 'reconcile-user', queued: 5, active: 2, oldestQueuedAgeSeconds: 12 }])
  let body = await render(metrics)
  t.equal(series(body, 'scim_bridge_queue_jobs{queue="reconcile-user",state="queued"}'), 7)
  t.equal(series(body, 'scim_bridge_queue_jobs{queue="reconcile-user",state="active"}'), 2)
  t.equal(series(body, 'scim_bridge_queue_jobs{queue="reconcile-user",state="deferred"}'), 1)
  t.equal(series(body, 'scim_bridge_queue_oldest_job_age_seconds{queue="reconcile-user"}'), 30)
  depth = 0
  detach()
  body = await render(metrics)
  t.equal(series(body, 'scim_bridge_queue_jobs{queue="reconcile-user",state="queued"}'), 0)
})

t.test('a failing or hanging sampler is counted and does not break the scrape', async (t) => {
  const metrics = createMetrics({ defaultMetrics: false, sourceTimeoutMs: 50 })
  metrics.observeSync(() => { throw new Error('database down') })
  metrics.observeRemovalBrake(async () => await new Promise(() => {}))
  metrics.observeQueues(() => [{ queue: 'sync-tenant', queued: 1, active: 0, oldestQueuedAgeSeconds: null }])
  const body = await render(metrics)
  t.equal(series(body, 'scim_bridge_metrics_source_errors_total{source="sync"}'), 1)
  t.equal(series(body, 'scim_bridge_metrics_source_errors_total{source="removal_brake"}'), 1)
  t.equal(series(body, 'scim_bridge_queue_jobs{queue="sync-tenant",state="queued"}'), 1, 'other sources still reported')
})

t.test('sync state and removal brake gauges', async (t) => {
  const metrics = createMetrics({ defaultMetrics: false })
  metrics.observeSync(() => ({ oldestSuccessAgeSeconds: 5400, driftedPeople: 3 }))
  metrics.observeRemovalBrake(() => ({ heldRemovals: 12, brakedTenants: 1 }))
  const body = await render(metrics)
  t.equal(series(body, 'scim_bridge_sync_oldest_success_age_seconds'), 5400)
  t.equal(series(body, 'scim_bridge_sync_drifted_people'), 3)
  t.equal(series(body, 'scim_bridge_removals_held'), 12)
  t.equal(series(body, 'scim_bridge_removal_brake_engaged_tenants'), 1)
})

t.test('governor buckets are summed by kind and BUC type, never by object id', async (t) => {
  const metrics = createMetrics({ defaultMetrics: false })
  const bucket = { waiting: 0, throttleEvents: 0, rejected: 0 }
  metrics.observeGovernor(() => ({
    buckets: [
      { ...bucket, kind: 'app', type: null, state: 'slowed', usagePct: 85 },
      { ...bucket, kind: 'buc', type: 'ads_management', state: 'paused', usagePct: 97, throttleEvents: 2, waiting: 3 },
      { ...bucket, kind: 'buc', type: 'ads_management', state: 'open', usagePct: 40, throttleEvents: 1, rejected: 4 }
    ]
  }))
  const body = await render(metrics)
  t.equal(series(body, 'scim_bridge_meta_buckets{kind="buc",type="ads_management",state="paused"}'), 1)
  t.equal(series(body, 'scim_bridge_meta_buckets{kind="app",type="none",state="slowed"}'), 1)
  t.equal(series(body, 'scim_bridge_meta_bucket_usage_percent{kind="buc",type="ads_management"}'), 97, 'the peak, not a sum')
  t.equal(series(body, 'scim_bridge_meta_throttle_pauses_total{kind="buc",type="ads_management"}'), 3)
  t.equal(series(body, 'scim_bridge_meta_governor_rejected_total{kind="buc",type="ads_management"}'), 4)
  t.equal(series(body, 'scim_bridge_meta_governor_waiting_calls{kind="buc",type="ads_management"}'), 3)
})

t.test('a real MetaGovernor snapshot fits observeGovernor', async (t) => {
  const metrics = createMetrics({ defaultMetrics: false })
  const governor = new MetaGovernor()
  const permit = await governor.acquire({ platform: true })
  // 93 %: above the governor's slowAt (92 %), below its pauseAt.
  permit.complete({ app: { callCount: 93, totalTime: 10, totalCputime: 10 }, buc: [], adAccount: null }, null)
  metrics.observeGovernor(() => governor.snapshot())
  const body = await render(metrics)
  t.equal(series(body, 'scim_bridge_meta_buckets{kind="app",type="none",state="slowed"}'), 1)
  t.equal(series(body, 'scim_bridge_meta_bucket_usage_percent{kind="app",type="none"}'), 93)
})
