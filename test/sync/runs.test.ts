import t from 'tap'
import { SyncService } from '../../src/sync/sync-service.js'
import { SyncScheduler } from '../../src/sync/scheduler.js'
import { simulatorClients, syncSetup } from './helpers/setup.js'

/** A promise the test resolves by hand: holds a run in "running" without timing. */
function gate () {
  let open!: () => void
  const promise = new Promise<void>((resolve) => { open = resolve })
  return { promise, open }
}

t.test('at most one running sync per tenant, across two services sharing the database', async (t) => {
  const s = await syncSetup(t)
  const hold = gate()
  s.control.gate = hold.promise
  // A second replica: its own service and governor, the same database.
  const replica = new SyncService({
    db: s.db, ports: s.control.ports, clients: simulatorClients(s.url, { retry: { baseDelayMs: 1, maxDelayMs: 2 } })
  })
  const outcomes = await Promise.all([s.sync.start(s.tenantId, 'manual'), replica.start(s.tenantId, 'schedule'), replica.start(s.tenantId, 'manual')])
  const started = outcomes.filter((o) => 'started' in o)
  t.equal(started.length, 1, 'exactly one start wins')
  const runId = 'started' in started[0]! ? started[0].started.id : ''
  for (const o of outcomes) if ('running' in o) t.equal(o.running.id, runId, 'the others are told which run is going')

  const busy = await s.admin.post(`/tenants/${s.tenantId}/sync`)
  t.equal(busy.statusCode, 409)
  t.match(busy.json(), { error: 'conflict', details: { run_id: runId } })
  const status = (await s.admin.get(`/tenants/${s.tenantId}/sync/runs/${runId}`)).json()
  t.match(status, { status: 'running', phase: 'connecting' })

  hold.open()
  s.control.gate = undefined
  await Promise.all([s.sync.drain(), replica.drain()])
  t.match((await s.admin.get(`/tenants/${s.tenantId}/sync/runs/${runId}`)).json(), { status: 'succeeded', phase: 'done' })
  const next = await s.admin.post(`/tenants/${s.tenantId}/sync`)
  t.equal(next.statusCode, 202, 'once it has finished, another may start')
  t.match(next.json(), { status: 'running', trigger: 'manual' })
  t.equal(next.headers.location, `/admin/v1/tenants/${s.tenantId}/sync/runs/${next.json().id as string}`)
  await s.sync.drain()
})

t.test('a run abandoned by a dead replica does not lock the tenant out', async (t) => {
  const s = await syncSetup(t)
  const dead = await s.db.insertInto('sync_runs')
    .values({ tenant_id: s.tenantId, trigger: 'schedule', status: 'running', phase: 'members', counts: '{}', heartbeat_at: new Date(Date.now() - 3600_000) })
    .returning('id').executeTakeFirstOrThrow()
  const res = await s.admin.post(`/tenants/${s.tenantId}/sync`)
  t.equal(res.statusCode, 202)
  await s.sync.drain()
  t.match((await s.admin.get(`/tenants/${s.tenantId}/sync/runs/${dead.id}`)).json(), { status: 'failed', error: /abandoned/ })
})

t.test('tenant isolation on every sync and drift route', async (t) => {
  const s = await syncSetup(t)
  const other = await s.admin.post('/tenants', { name: 'other' })
  const b = other.json().id as string
  const run = await s.runSync()
  t.equal(run.status, 'succeeded')
  t.equal((await s.admin.get(`/tenants/${b}/sync/runs/${run.id as string}`)).statusCode, 404, "A's run is not found through B")
  t.equal((await s.admin.get(`/tenants/${s.tenantId}/sync/runs/${run.id as string}`)).statusCode, 200)
  t.same((await s.admin.get(`/tenants/${b}/sync/runs`)).json(), { items: [], total: 0 })
  t.equal((await s.admin.get(`/tenants/${b}/drift`)).statusCode, 409, "B has no snapshot; A's is not shown")
  t.equal((await s.admin.get(`/tenants/${s.tenantId}/drift`)).statusCode, 200)
  await s.admin.patch(`/tenants/${b}/sync/settings`, { schedule_minutes: 0 })
  t.same((await s.admin.get(`/tenants/${s.tenantId}/sync/settings`)).json(), { schedule_minutes: 60, unmanaged_policy: 'report' })
  t.same((await s.admin.get(`/tenants/${b}/sync/settings`)).json(), { schedule_minutes: 0, unmanaged_policy: 'report' })
  const missing = '00000000-0000-4000-8000-000000000000'
  for (const [method, url] of [['POST', '/sync'], ['GET', '/sync/runs'], ['GET', `/sync/runs/${missing}`], ['GET', '/drift'], ['GET', '/sync/settings'], ['PATCH', '/sync/settings']] as const) {
    const res = method === 'POST' ? await s.admin.post(`/tenants/${missing}${url}`) : method === 'PATCH' ? await s.admin.patch(`/tenants/${missing}${url}`, {}) : await s.admin.get(`/tenants/${missing}${url}`)
    t.equal(res.statusCode, 404, `${method} ${url} of an unknown tenant`)
  }
  t.equal((await s.app.inject({ method: 'GET', url: `/admin/v1/tenants/${s.tenantId}/drift` })).statusCode, 401, 'admin token required')
  t.equal((await s.admin.get(`/tenants/${s.tenantId}/sync/runs/not-a-uuid`)).statusCode, 400)
  t.equal((await s.admin.patch(`/tenants/${s.tenantId}/sync/settings`, { unmanaged_policy: 'delete' })).statusCode, 400)
  const paged = (await s.admin.get(`/tenants/${s.tenantId}/sync/runs?limit=1`)).json()
  t.match(paged, { total: 1, items: [{ id: run.id }] })
})

t.test('the scheduler starts due tenants once per interval and skips unconnected or unscheduled ones', async (t) => {
  const s = await syncSetup(t)
  const other = (await s.admin.post('/tenants', { name: 'unscheduled' })).json().id as string
  await s.admin.patch(`/tenants/${other}/sync/settings`, { schedule_minutes: 0 })
  let now = new Date()
  const scheduler = new SyncScheduler({ db: s.db, service: s.sync, now: () => now })
  const connected = s.control.ports.loadMetaConnection
  // Only the first tenant is connected.
  s.control.ports.loadMetaConnection = async (tenantId) => tenantId === s.tenantId ? await connected(tenantId) : undefined
  t.same(await scheduler.tick(), [s.tenantId])
  await s.sync.drain()
  t.same(await scheduler.tick(), [], 'not due again within the hour')
  now = new Date(now.getTime() + 61 * 60_000)
  t.same(await scheduler.tick(), [s.tenantId], 'due again after the interval')
  await scheduler.stop()
  const runs = (await s.admin.get(`/tenants/${s.tenantId}/sync/runs`)).json()
  t.equal(runs.total, 2)
  t.ok(runs.items.every((r: any) => r.trigger === 'schedule' && r.status === 'succeeded'))
  t.equal((await s.admin.get(`/tenants/${other}/sync/runs`)).json().total, 0)
})
