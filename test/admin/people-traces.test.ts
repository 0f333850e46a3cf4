import t from 'tap'
import { acquireLease, releaseLease } from '../../src/provisioning/records/traces-repository.js'
import { provisionedAdmin } from './helpers/provisioned.js'

type Call = { method: string, path: string, trace_id: string | null }
type SimCall = { method: string, path: string, traceId: string | null, inBatch: boolean }

/** The HTTP exchanges the simulator answered since `seq` (batch operations ride in their batch). */
function simExchanges (calls: SimCall[]): Array<{ method: string, path: string, trace_id: string | null }> {
  return calls.filter((c) => !c.inBatch).map((c) => ({ method: c.method, path: c.path, trace_id: c.traceId }))
}

const exchanges = (calls: Call[]) => calls.map((c) => ({ method: c.method, path: c.path, trace_id: c.trace_id }))

t.test('a queued reconcile leaves a trace whose calls are the ones the simulator logged', async (t) => {
  const { h, admin, base } = await provisionedAdmin(t)
  await h.createGroup('Sales', [])
  const ada = await h.createUser('ada@example.com', { roles: [{ value: 'EMPLOYEE', primary: true }] })
  const seq = h.sim.calls.lastSeq
  await h.drain()
  const sim = simExchanges(h.sim.calls.list({ since: seq }))
  t.ok(sim.length >= 2, 'the reconcile looked the email up and invited')

  const list = await admin.get(`${base}/people/${ada}/traces`)
  t.equal(list.statusCode, 200, list.body)
  const [trace, ...rest] = list.json().items
  t.equal(rest.length, 0, 'one reconcile, one trace')
  t.match(trace, {
    user_id: ada,
    trigger: 'queue',
    dry_run: false,
    idp: {
      found: true, user_name: 'ada@example.com', active: true, email: 'ada@example.com', groups: [], roles: ['EMPLOYEE']
    },
    desired: { role: 'EMPLOYEE', why: 'role EMPLOYEE from the SCIM roles attribute' },
    matches: [{ looked_up: 'listing', found: 'absent' }],
    plans: [{
      steps: [{ kind: 'invite', email: 'ada@example.com', role: 'EMPLOYEE' }], waiting_assets: [], manual_steps: []
    }],
    holds: [],
    result: { outcome: 'done', state: 'invited' }
  })
  t.type(trace.job_id, 'string', 'the job that ran it')
  t.same(exchanges(trace.calls), sim, 'same endpoints in the same order, same trace ids')
  t.ok(trace.calls.every((c: { outcome: string, status: number }) => c.outcome === 'success' && c.status === 200))
  t.equal(trace.result.invite_id, (await h.person(ada))?.inviteId)

  const one = await admin.get(`${base}/people/${ada}/traces/${trace.id}`)
  t.equal(one.statusCode, 200, one.body)
  t.same(one.json(), trace)
  t.equal((await admin.get(`${base}/people/${ada}/traces/999999`)).statusCode, 404)
  t.equal((await admin.get(`${base}/people/${ada}/traces/nope`)).statusCode, 400)
})

t.test('an error step carries Meta\'s code, subcode and trace id', async (t) => {
  const { h, admin, base } = await provisionedAdmin(t)
  const error = { code: 100, error_subcode: 1487390, message: 'Invalid parameter' }
  h.sim.faults.add({ route: 'business_users.invite', times: 1, error })
  const ada = await h.createUser('ada@example.com')
  const seq = h.sim.calls.lastSeq
  await h.drain()
  const sim = h.sim.calls.list({ since: seq }).filter((c) => !c.inBatch)
  const failed = sim.find((c) => c.errorCode === 100)
  t.ok(failed, 'the simulator refused the invitation')
  const trace = (await admin.get(`${base}/people/${ada}/traces`)).json().items[0]
  t.same(exchanges(trace.calls), simExchanges(sim))
  const call = trace.calls.find((c: { outcome: string }) => c.outcome === 'error')
  t.match(call, {
    method: 'POST',
    status: failed?.status,
    error_code: 100,
    error_subcode: 1487390,
    error_message: 'Invalid parameter',
    trace_id: failed?.traceId
  })
  t.match(trace.result, { outcome: 'done', state: 'failed', last_error_code: 100 })
})

t.test('reconcile now runs the engine, answers its trace; the queued job then finds nothing to do', async (t) => {
  const { h, admin, base } = await provisionedAdmin(t)
  const ada = await h.createUser('ada@example.com')
  const seq = h.sim.calls.lastSeq
  const res = await admin.post(`${base}/people/${ada}/reconcile`)
  t.equal(res.statusCode, 200, res.body)
  const body = res.json()
  t.equal(body.outcome, 'done')
  t.match(body.trace, { trigger: 'reconcile_now', job_id: null, result: { state: 'invited' } })
  t.same(exchanges(body.trace.calls), simExchanges(h.sim.calls.list({ since: seq })))
  t.equal((await h.person(ada))?.state, 'invited')
  t.ok(h.inviteOf('ada@example.com'), 'the invitation exists in Meta')

  const stored = await admin.get(`${base}/people/${ada}/traces/${body.trace.id}`)
  t.same(stored.json(), body.trace, 'the answer is the stored trace')

  const before = h.sim.calls.lastSeq
  await h.drain()
  t.equal(h.sim.calls.list({ since: before }).filter((c) => c.method === 'POST').length, 0, 'no second invitation')
  const items = (await admin.get(`${base}/people/${ada}/traces`)).json().items
  t.same(items.map((i: { trigger: string }) => i.trigger), ['queue', 'reconcile_now'], 'newest first')
  t.same(items[0].plans[0].steps, [], 'the queued job had nothing left to do')
})

t.test('dry run: no call to Meta, no state change, nothing stored', async (t) => {
  const { h, admin, base } = await provisionedAdmin(t)
  const ada = await h.createUser('ada@example.com')
  const seq = h.sim.calls.lastSeq
  const person = await h.person(ada)
  const audit = await h.db.selectFrom('audit_events').select('id').where('tenant_id', '=', h.tenantId).execute()
  for (const url of [`${base}/people/${ada}/reconcile?dryRun=true`, `${base}/people/${ada}/reconcile`]) {
    const res = url.includes('dryRun')
      ? await admin.post(url)
      : await admin.post(url, { dry_run: true })
    t.equal(res.statusCode, 200, res.body)
    t.match(res.json().trace, {
      id: null,
      trigger: 'dry_run',
      dry_run: true,
      calls: [],
      matches: [{ looked_up: null, found: 'absent' }],
      plans: [{ steps: [{ kind: 'invite', email: 'ada@example.com' }] }],
      result: { outcome: 'done' }
    })
  }
  t.equal(h.sim.calls.list({ since: seq }).length, 0, 'the simulator heard nothing')
  t.same(await h.person(ada), person, 'the person\'s record is unchanged')
  const auditAfter = await h.db.selectFrom('audit_events').select('id').where('tenant_id', '=', h.tenantId).execute()
  t.same(auditAfter, audit, 'no audit event')
  t.same((await admin.get(`${base}/people/${ada}/traces`)).json().items, [], 'a dry run is not stored')
  t.equal((await admin.post(`${base}/people/${ada}/reconcile?dryRun=maybe`)).statusCode, 400)
  t.equal((await admin.post(`${base}/people/${ada}/reconcile`, { dry_run: 'yes' })).statusCode, 400)
})

t.test('retention keeps the newest N per person; pages go newest first by cursor', async (t) => {
  const { h, admin, base } = await provisionedAdmin(t, { env: { RECONCILE_TRACES_PER_PERSON: '3' } })
  const ada = await h.createUser('ada@example.com')
  const bob = await h.createUser('bob@example.com')
  await h.drain()
  const ids: string[] = []
  for (let i = 0; i < 4; i++) ids.push((await admin.post(`${base}/people/${ada}/reconcile`)).json().trace.id)
  const all = (await admin.get(`${base}/people/${ada}/traces`)).json().items.map((i: { id: string }) => i.id)
  t.same(all, [...ids].reverse().slice(0, 3), 'the three newest, newest first')
  const bobs = (await admin.get(`${base}/people/${bob}/traces`)).json().items
  t.equal(bobs.length, 1, 'another person\'s traces are untouched')

  const first = (await admin.get(`${base}/people/${ada}/traces?limit=2`)).json()
  t.equal(first.items.length, 2)
  t.equal(first.next_cursor, all[1])
  const second = (await admin.get(`${base}/people/${ada}/traces?limit=2&cursor=${first.next_cursor}`)).json()
  t.same(second.items.map((i: { id: string }) => i.id), [all[2]])
  t.notOk('next_cursor' in second)
  t.equal((await admin.get(`${base}/people/${ada}/traces?limit=0`)).statusCode, 400)
})

t.test('tenant isolation: another tenant sees neither the person nor the trace', async (t) => {
  const { h, admin, base, otherBase } = await provisionedAdmin(t)
  const ada = await h.createUser('ada@example.com')
  await h.drain()
  const trace = (await admin.get(`${base}/people/${ada}/traces`)).json().items[0]
  const seq = h.sim.calls.lastSeq
  t.equal((await admin.get(`${otherBase}/people/${ada}/traces`)).statusCode, 404)
  t.equal((await admin.get(`${otherBase}/people/${ada}/traces/${trace.id}`)).statusCode, 404)
  t.equal((await admin.post(`${otherBase}/people/${ada}/reconcile`)).statusCode, 404)
  t.equal((await admin.post(`${otherBase}/people/${ada}/reconcile?dryRun=true`)).statusCode, 404)
  t.equal(h.sim.calls.list({ since: seq }).length, 0, 'nothing ran for the other tenant')
  const stranger = '00000000-0000-4000-8000-000000000000'
  t.equal((await admin.get(`${base}/people/${stranger}/traces`)).statusCode, 404)
  const elsewhere = await admin.get(`${base}/people/${stranger}/traces/${trace.id}`)
  t.equal(elsewhere.statusCode, 404, 'a trace belongs to its person')
  t.equal((await admin.post(`${base}/people/${stranger}/reconcile`)).statusCode, 404)
  t.equal((await admin.get(`/tenants/${stranger}/people/${ada}/traces`)).statusCode, 404)
})

t.test('no token and no appsecret_proof in a stored trace', async (t) => {
  const appSecret = 'app-secret-for-trace-test'
  const { h, admin, base } = await provisionedAdmin(t, { business: { appSecret } })
  await h.settings({ appSecret })
  const ada = await h.createUser('ada@example.com')
  const seq = h.sim.calls.lastSeq
  await h.drain()
  const sent = h.sim.calls.list({ since: seq })
  t.ok(sent.length > 0 && sent.every((c) => c.proof === 'valid'), 'every call carried a valid proof')
  const trace = (await admin.get(`${base}/people/${ada}/traces`)).json().items[0]
  t.ok(trace.calls.length > 0)
  const rows = await h.db.selectFrom('reconcile_traces').select('trace').where('tenant_id', '=', h.tenantId).execute()
  const stored = JSON.stringify(rows.map((r) => r.trace))
  t.notOk(stored.includes(h.seeded.token), 'no access token')
  t.notOk(stored.includes('appsecret_proof'), 'no proof parameter')
  t.notOk(stored.includes('appsecret_time'))
  t.notOk(stored.includes(appSecret))
})

t.test('reconcile now and a queued job never run at once for one person', async (t) => {
  const { h, admin, base } = await provisionedAdmin(t)
  const ada = await h.createUser('ada@example.com')
  const now = new Date()
  t.ok(await acquireLease(h.db, h.tenantId, ada, 'someone else', now, new Date(now.getTime() + 60_000)))
  const seq = h.sim.calls.lastSeq
  const busy = await admin.post(`${base}/people/${ada}/reconcile`)
  t.equal(busy.statusCode, 409, busy.body)
  t.equal(busy.json().error, 'reconcile_in_progress')
  const drained = await h.drain({ retryNow: false })
  t.equal(drained.retried, 1, 'the queued job waits for the queue\'s backoff')
  t.equal(h.sim.calls.list({ since: seq }).length, 0, 'neither called Meta')
  t.equal((await h.person(ada))?.state ?? 'none', 'none')
  t.same((await admin.get(`${base}/people/${ada}/traces`)).json().items, [], 'nothing ran, nothing traced')
  const dry = await admin.post(`${base}/people/${ada}/reconcile?dryRun=true`)
  t.equal(dry.statusCode, 200, 'a dry run needs no lease')

  await releaseLease(h.db, h.tenantId, ada, 'someone else')
  await h.drain()
  t.equal((await h.person(ada))?.state, 'invited', 'the retried job ran once the lease was free')
  const rows = await h.db.selectFrom('reconcile_leases').selectAll().where('tenant_id', '=', h.tenantId).execute()
  t.same(rows, [], 'every run let its lease go')
})
