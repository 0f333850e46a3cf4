import t, { type Test } from 'tap'
import pino from 'pino'
import { sql } from 'kysely'
import { queueSamples } from '../../src/admin/queue-query.js'
import { createMetrics } from '../../src/metrics/registry.js'
import { RECONCILE_QUEUE } from '../../src/provisioning/jobs/queue.js'
import type { RemovalGate } from '../../src/provisioning/engine/removal-gate.js'
import { SyncService, syncSample } from '../../src/sync/index.js'
import { ManualClock } from '../meta/helpers/manual-clock.js'
import { provisioningHarness } from '../provisioning/helpers/harness.js'

// The registry fed the way src/main.ts feeds it: queue depth and sync state from the database,
// the process's governor, and the Meta calls, jobs, plan steps and sync runs of the worker and
// the sync as they happen; scraped through /metrics.

/** The value of one exposition line, or undefined when the series is absent. */
function series (body: string, line: string): number | undefined {
  const found = body.split('\n').find((l) => l.startsWith(`${line} `))
  return found === undefined ? undefined : Number(found.slice(line.length + 1))
}

/** The registry wired like main.ts, a harness reporting into it, a sync, and a scrape. */
async function wired (t: Test, options: Parameters<typeof provisioningHarness>[1] = {}) {
  const metrics = createMetrics({ defaultMetrics: false })
  const h = await provisioningHarness(t, { ...options, metrics })
  const detach = [
    metrics.observeQueues(async () => await queueSamples(h.db)),
    metrics.observeGovernor(() => h.runtime.clients.governor.snapshot()),
    metrics.observeSync(async () => await syncSample(h.db))
  ]
  t.teardown(() => { for (const d of detach) d() })
  const sync = new SyncService({
    db: h.db,
    ports: h.runtime.syncPorts,
    // The runtime's factory, as main.ts wires it: its calls are counted by the factory's observer.
    clients: h.runtime.clients,
    logger: pino({ level: 'silent' }),
    metrics
  })
  const scrape = async (): Promise<string> => {
    const res = await h.app.inject({ method: 'GET', url: '/metrics' })
    t.equal(res.statusCode, 200)
    return res.body
  }
  return { h, sync, scrape }
}

const call = (method: string, endpoint: string, outcome: string): string =>
  `scim_bridge_meta_calls_total{method="${method}",endpoint="${endpoint}",outcome="${outcome}"}`
const callDurations = (method: string, endpoint: string): string =>
  `scim_bridge_meta_call_duration_seconds_count{method="${method}",endpoint="${endpoint}"}`
/** Graph calls with this outcome, whatever their endpoint. */
function calls (body: string, outcome: string): number {
  return body.split('\n').filter((l) => l.startsWith('scim_bridge_meta_calls_total{') && l.includes(`outcome="${outcome}"`))
    .reduce((sum, l) => sum + Number(l.slice(l.lastIndexOf(' ') + 1)), 0)
}
const job = (outcome: string, queue: string = RECONCILE_QUEUE): string => `scim_bridge_jobs_total{queue="${queue}",outcome="${outcome}"}`
const action = (name: string, outcome: string): string => `scim_bridge_provisioning_actions_total{action="${name}",outcome="${outcome}"}`

t.test('queue, governor, job, action, Meta call and sync series follow a SCIM create, a drain and a sync run', async (t) => {
  const { h, sync, scrape } = await wired(t)
  const before = await scrape()
  t.equal(series(before, `scim_bridge_queue_jobs{queue="${RECONCILE_QUEUE}",state="queued"}`), 0, 'an empty queue reads 0')
  t.equal(series(before, 'scim_bridge_queue_jobs{queue="remove-unmanaged",state="queued"}'), 0)
  t.notMatch(before, /^scim_bridge_(meta_calls|jobs|provisioning_actions)_total\{/m, 'nothing counted before any work')

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

  // Every Graph call the worker made, by endpoint with the business id stripped.
  t.equal(series(drained, call('POST', '/{id}/business_users', 'success')), 1, 'the invitation')
  t.equal(series(drained, call('POST', '/{id}/business_users', 'success')), h.calls('business_users.invite').length)
  t.equal(series(drained, call('GET', '/{id}/pending_users', 'success')) ?? 0, h.calls('pending_users.list').length, 'the look-ups around it')
  t.equal(series(drained, call('GET', '/{id}/business_users', 'success')) ?? 0, h.calls('business_users.list').length)
  t.equal(calls(drained, 'success'), h.calls().length, 'every call the simulator answered, once')
  t.equal(series(drained, callDurations('POST', '/{id}/business_users')), 1, 'with its latency')
  t.notMatch(drained, h.businessId, 'no business id in any label')
  t.equal(series(drained, job('completed')), 1, 'one reconcile job completed')
  t.equal(series(drained, `scim_bridge_job_duration_seconds_count{queue="${RECONCILE_QUEUE}"}`), 1)
  t.equal(series(drained, job('retried')), undefined)
  t.equal(series(drained, action('invite', 'applied')), 1, 'one invite step applied')

  // The sync: its own Graph calls, a batch over the assets, the run, the age and the drift.
  const page = h.sim.addAsset(h.businessId, { type: 'page' })
  const ads = h.sim.addAsset(h.businessId, { type: 'ad_account' })
  await h.db.updateTable('tenant_meta_settings').set({ created_at: sql<Date>`now() - interval '3 hours'` }).where('tenant_id', '=', h.tenantId).execute()
  await h.createUser('bob@example.com') // not reconciled yet: the sync finds him missing
  const unsynced = await scrape()
  const neverSynced = series(unsynced, 'scim_bridge_sync_oldest_success_age_seconds')
  t.ok(neverSynced !== undefined && neverSynced >= 3 * 3600, `a tenant never synced ages from its Meta settings (${String(neverSynced)} s)`)
  t.equal(series(unsynced, 'scim_bridge_sync_drifted_people'), 0, 'no drift known before a sync')

  const started = await sync.start(h.tenantId, 'manual')
  t.ok('started' in started)
  await sync.drain()
  const synced = await scrape()
  t.equal(series(synced, 'scim_bridge_sync_runs_total{trigger="manual",outcome="success"}'), 1, 'the sync run is counted')
  t.equal(series(synced, 'scim_bridge_sync_duration_seconds_count{trigger="manual"}'), 1)
  const sinceSync = series(synced, 'scim_bridge_sync_oldest_success_age_seconds')
  t.ok(sinceSync !== undefined && sinceSync < 600, `the sync reset the age (${String(sinceSync)} s)`)
  t.equal(series(synced, 'scim_bridge_sync_drifted_people'), 1, 'bob differs')
  t.equal(series(synced, call('GET', '/{id}/system_users', 'success')), 1, "the sync's calls are counted")
  t.equal(series(synced, call('GET', '/{id}/business_users', 'success')), h.calls('business_users.list').length)
  t.equal(series(synced, call('POST', '/', 'success')), 1, 'the batch request')
  t.equal(series(synced, callDurations('POST', '/')), 1)
  t.equal(series(synced, call('GET', '/{id}/assigned_users', 'success')), 1, 'its operation on the page')
  t.equal(series(synced, call('GET', '/act_{id}/assigned_users', 'success')), 1, 'and on the ad account')
  t.equal(series(synced, callDurations('GET', '/{id}/assigned_users')), undefined, 'operations in a batch have no latency of their own')
  for (const id of [h.businessId, page.id, ads.id.replace(/^act_/, '')]) t.notMatch(synced, id, 'no object id in any label')
})

t.test('a throttled call, calls the governor holds back, retried jobs and failed steps', async (t) => {
  const clock = new ManualClock(Date.now())
  const { h, scrape } = await wired(t, { governor: { clock, backoffInitialMs: 60_000 } })
  h.sim.faults.add({ route: 'business_users.invite', error: { code: 4, message: '(#4) Application request limit reached' } })
  await h.createUser('t1@example.com')
  t.equal((await h.drain({ retryNow: false })).retried, 1)
  t.equal(h.governor.bucket('app')?.state, 'paused')
  const sent = h.sim.calls.lastSeq
  await h.createUser('t2@example.com')
  t.equal((await h.drain({ retryNow: false })).retried, 1, 'the second job waits for the bucket')
  t.equal(h.sim.calls.lastSeq, sent, 'nothing was sent for it')

  const throttled = await scrape()
  t.equal(series(throttled, call('POST', '/{id}/business_users', 'rate_limited')), 1, 'the throttled invitation')
  t.equal(series(throttled, call('POST', '/{id}/business_users', 'success')), undefined)
  t.equal(calls(throttled, 'not_sent'), 1, "t2's first call, held by the governor")
  // Every call that was sent has a latency; the one not sent has none.
  const perEndpoint = new Map<string, { sent: number, notSent: number }>()
  for (const l of throttled.split('\n').filter((l) => l.startsWith('scim_bridge_meta_calls_total{'))) {
    const [, labels = '', outcome = '', n = '0'] = /^scim_bridge_meta_calls_total\{(method="[^"]+",endpoint="[^"]+"),outcome="([^"]+)"\} (\S+)$/.exec(l) ?? []
    const entry = perEndpoint.get(labels) ?? { sent: 0, notSent: 0 }
    if (outcome === 'not_sent') entry.notSent += Number(n)
    else entry.sent += Number(n)
    perEndpoint.set(labels, entry)
  }
  t.ok(perEndpoint.size > 1)
  for (const [labels, { sent }] of perEndpoint) {
    t.equal(series(throttled, `scim_bridge_meta_call_duration_seconds_count{${labels}}`) ?? 0, sent, `latencies of ${labels}: the calls sent`)
  }
  t.equal([...perEndpoint.values()].reduce((sum, e) => sum + e.sent, 0), h.calls().length, 'sent calls are the ones the simulator saw')
  t.equal(series(throttled, job('retried')), 2, 'both jobs go back to the queue')
  t.equal(series(throttled, job('completed')), undefined)
  // t1's invite failed; t2's too when the call held back was its invitation (no look-up first).
  const heldInvite = series(throttled, call('POST', '/{id}/business_users', 'not_sent')) ?? 0
  t.equal(series(throttled, action('invite', 'failed')), 1 + heldInvite, 'the invite steps that did not go through')
  t.equal(series(throttled, action('invite', 'applied')), undefined)

  clock.advance(75_000)
  await h.drain()
  const reopened = await scrape()
  t.equal(series(reopened, action('invite', 'applied')), 2, 'both invited once the bucket reopened')
  t.equal(series(reopened, job('completed')), 2)
  t.equal(series(reopened, job('retried')), 2, 'retries stay counted')
  t.equal(series(reopened, call('POST', '/{id}/business_users', 'success')), 2)
})

t.test('jobs that end without their work: out of retries, and parked by a refused token', async (t) => {
  const { h, scrape } = await wired(t)
  h.sim.faults.add({ route: '*', times: 2, status: 503, error: { code: 2, message: 'Service temporarily unavailable', is_transient: true } })
  await h.createUser('late@example.com')
  // The queue's last attempt: pg-boss fails the job for good when it fails again.
  await sql`update pgboss.job set retry_limit = 0 where name = ${RECONCILE_QUEUE}`.execute(h.db)
  t.equal((await h.drain()).retried, 1)
  const exhausted = await scrape()
  t.equal(series(exhausted, job('failed')), 1, 'out of retries')
  t.equal(series(exhausted, job('retried')), undefined)
  t.equal(calls(exhausted, 'transient'), 2, 'the first look-up and its one quick retry')
  t.equal(h.sim.faults.list().length, 0, 'every injected failure was met')

  h.sim.store.tokens.delete(h.seeded.token)
  await h.createUser('parked@example.com')
  t.equal((await h.drain()).parked, 1)
  const parked = await scrape()
  t.equal(series(parked, job('failed')), 2, 'a parked job ends without its work')
  t.equal(calls(parked, 'auth'), 1, 'the refused call')
})

t.test('steps not sent to Meta: dry run, skipped, blocked and held', async (t) => {
  const holdAll: RemovalGate = { review: async () => ({ hold: true, why: 'held by the test' }) }
  const { h, scrape } = await wired(t, { gate: holdAll })
  await h.settings({ dryRun: true })
  await h.createUser('dry@example.com')
  await h.drain()
  await h.settings({ dryRun: false, identityMode: 'work_accounts' })
  await h.createUser('work@example.com')
  await h.drain()
  await h.settings({ identityMode: 'facebook_profiles' })
  await h.createUser('no-address', { emails: [] })
  await h.drain()
  const held = await h.createUser('held@example.com')
  await h.drain()
  await h.setActive(held, false)
  await h.drain()

  const body = await scrape()
  t.equal(series(body, action('invite', 'dry_run')), 1, 'dry run: planned, not called')
  t.equal(series(body, action('invite', 'skipped')), 1, 'Work Accounts: the IdP connection invites')
  t.equal(series(body, action('invite', 'blocked')), 1, 'no email address')
  t.equal(series(body, action('invite', 'applied')), 1, 'held@ was invited')
  t.equal(series(body, action('cancel_invite', 'held')), 1, 'the brake kept the cancellation')
  t.equal(series(body, action('cancel_invite', 'applied')), undefined)
  t.ok(h.inviteOf('held@example.com'), 'and the invitation stands')
  t.equal(series(body, call('POST', '/{id}/business_users', 'success')), 1, 'only the real invitation reached Meta')
  t.equal(series(body, job('completed')), 5)
})

t.test("the sync's removals of unmanaged people count as remove steps of their own queue", async (t) => {
  const { h, scrape } = await wired(t)
  const stranger = h.sim.addMember(h.businessId, { email: 'stranger@example.com', role: 'EMPLOYEE' })
  const result = await h.db.transaction().execute(async (trx) => await h.runtime.syncPorts.requestRemovals(trx, h.tenantId,
    [{ kind: 'member', metaId: stranger.id, email: stranger.email, role: 'EMPLOYEE' }], { syncRunId: 'run-1' }))
  t.same(result, { accepted: 1, held: 0 })
  await h.drain()
  t.notOk(h.memberOf('stranger@example.com'), 'removed')
  const body = await scrape()
  t.equal(series(body, action('remove', 'applied')), 1)
  t.equal(series(body, job('completed', 'remove-unmanaged')), 1)
  t.equal(series(body, call('DELETE', '/{id}', 'success')), 1, 'the removal call, its id stripped')
  t.notMatch(body, stranger.id)
})
