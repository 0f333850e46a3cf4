import t from 'tap'
import pino from 'pino'
import { queueSamples } from '../../src/admin/queue-query.js'
import { createMetrics } from '../../src/http/metrics-registry.js'
import { RECONCILE_QUEUE } from '../../src/provisioning/queue.js'
import { SyncService } from '../../src/sync/index.js'
import { provisioningHarness } from '../provisioning/helpers/harness.js'

// The registry fed the way src/main.ts feeds it: queue depth from the shared job table, the
// process's governor, and finished sync runs; scraped through /metrics.

/** The value of one exposition line, or undefined when the series is absent. */
function series (body: string, line: string): number | undefined {
  const found = body.split('\n').find((l) => l.startsWith(`${line} `))
  return found === undefined ? undefined : Number(found.slice(line.length + 1))
}

t.test('queue, governor and sync series follow a SCIM create, a drain and a sync run', async (t) => {
  const metrics = createMetrics({ defaultMetrics: false })
  const h = await provisioningHarness(t, { metrics })
  const detach = [
    metrics.observeQueues(async () => await queueSamples(h.db)),
    metrics.observeGovernor(() => h.runtime.clients.governor.snapshot())
  ]
  t.teardown(() => { for (const d of detach) d() })
  const sync = new SyncService({
    db: h.db,
    ports: h.runtime.syncPorts,
    governor: h.runtime.clients.governor,
    logger: pino({ level: 'silent' }),
    metrics,
    clientOverrides: { retry: { retries: 1, baseDelayMs: 1, maxDelayMs: 2 } }
  })
  const scrape = async (): Promise<string> => {
    const res = await h.app.inject({ method: 'GET', url: '/metrics' })
    t.equal(res.statusCode, 200)
    return res.body
  }

  const before = await scrape()
  t.equal(series(before, `scim_bridge_queue_jobs{queue="${RECONCILE_QUEUE}",state="queued"}`), 0, 'an empty queue reads 0')
  t.equal(series(before, 'scim_bridge_queue_jobs{queue="remove-unmanaged",state="queued"}'), 0)

  await h.createUser('ada@example.com')
  const queued = await scrape()
  t.equal(series(queued, `scim_bridge_queue_jobs{queue="${RECONCILE_QUEUE}",state="queued"}`), 1, 'the create enqueued one reconcile')
  t.equal(series(queued, `scim_bridge_queue_jobs{queue="${RECONCILE_QUEUE}",state="active"}`), 0)
  const age = series(queued, `scim_bridge_queue_oldest_job_age_seconds{queue="${RECONCILE_QUEUE}"}`)
  t.ok(age !== undefined && age >= 0 && age < 60, `oldest job age is plausible (${String(age)} s)`)
  t.notMatch(queued, h.tenantId, 'no tenant id in any label')

  await h.drain()
  t.ok(h.inviteOf('ada@example.com'), 'the worker invited her')
  const drained = await scrape()
  t.equal(series(drained, `scim_bridge_queue_jobs{queue="${RECONCILE_QUEUE}",state="queued"}`), 0, 'drained')
  t.equal(series(drained, `scim_bridge_queue_oldest_job_age_seconds{queue="${RECONCILE_QUEUE}"}`), 0)
  const buckets = drained.split('\n').filter((l) => l.startsWith('scim_bridge_meta_buckets{'))
  t.ok(buckets.length > 0, 'the governor reports the buckets the invite went through')
  t.ok(buckets.every((l) => /state="(open|slowed|paused|probing)"\} \d+$/.test(l)), buckets.join('\n'))
  t.match(drained, /^scim_bridge_meta_governor_waiting_calls\{[^}]*\} 0$/m, 'no call is waiting')

  const started = await sync.start(h.tenantId, 'manual')
  t.ok('started' in started)
  await sync.drain()
  const synced = await scrape()
  t.equal(series(synced, 'scim_bridge_sync_runs_total{trigger="manual",outcome="success"}'), 1, 'the sync run is counted')
  t.equal(series(synced, 'scim_bridge_sync_duration_seconds_count{trigger="manual"}'), 1)
})
