import t from 'tap'
import { sql } from 'kysely'
import { provisionedAdmin } from './helpers/provisioned.js'

t.test('queue: depth after an enqueue, failing jobs after a transient error, retry now', async (t) => {
  const { h, admin, base, otherBase } = await provisionedAdmin(t)
  const empty = (await admin.get(`${base}/queue`)).json()
  t.match(empty, { depth: 0, oldest_job_age_seconds: null, failing_jobs: [] })

  const ada = await h.createUser('ada@example.com')
  const queued = (await admin.get(`${base}/queue`))
  t.equal(queued.statusCode, 200, queued.body)
  t.match(queued.json(), { depth: 1, queued: 1, retrying: 0 })
  t.ok(queued.json().oldest_job_age_seconds >= 0)
  t.equal((await admin.get(`${otherBase}/queue`)).json().depth, 0, "another tenant's queue is empty")

  h.sim.faults.add({ route: '*', times: 4, status: 503, error: { code: 2, message: 'Service temporarily unavailable', is_transient: true } })
  const first = await h.drain({ retryNow: false })
  t.equal(first.retried, 1)
  h.sim.faults.clear() // Meta answers again; only the backoff holds the job back
  const failing = (await admin.get(`${base}/queue`)).json()
  t.match(failing, { depth: 1, retrying: 1, queued: 0 })
  t.equal(failing.failing_jobs.length, 1)
  t.match(failing.failing_jobs[0], { user_id: ada, state: 'retry', retry_limit: 30 })
  t.ok(new Date(failing.failing_jobs[0].next_attempt_at).getTime() > Date.now(), 'waiting out a backoff')
  t.ok(failing.failing_jobs[0].error, 'the error is shown')
  t.same((await admin.get(`${otherBase}/queue`)).json().failing_jobs, [], 'not in another tenant')

  const untouched = await admin.post(`${otherBase}/queue/retry`)
  t.match(untouched.json(), { retried_jobs: 0 }, 'retrying another tenant touches nothing here')
  t.equal((await h.drain({ retryNow: false })).completed, 0, 'still waiting: the backoff has not passed')

  const retry = await admin.post(`${base}/queue/retry`)
  t.equal(retry.statusCode, 200, retry.body)
  t.match(retry.json(), { retried_jobs: 1, revived_jobs: 0 })
  t.equal((await h.drain({ retryNow: false })).completed, 1, 'due now: runs without waiting')
  t.match(await h.person(ada), { state: 'invited' })
  t.match((await admin.get(`${base}/queue`)).json(), { depth: 0, failing_jobs: [] })
})

t.test('retry now revives jobs that gave up and re-enqueues failed people', async (t) => {
  const { h, admin, base } = await provisionedAdmin(t)
  h.sim.faults.add({ route: 'business_users.invite', times: 1, error: { code: 100, message: 'Invalid parameter' } })
  const ada = await h.createUser('ada@example.com')
  await h.drain()
  t.match(await h.person(ada), { state: 'failed' })
  t.match((await admin.get(`${base}/queue`)).json(), { depth: 0, failed_people: 1 })

  const retry = (await admin.post(`${base}/queue/retry`)).json()
  t.match(retry, { requeued_people: 1, status: { depth: 1 } })
  await h.drain()
  t.match(await h.person(ada), { state: 'invited' })
  t.equal((await admin.get(`${base}/queue`)).json().failed_people, 0)

  // A job that used up its retries (pg-boss state failed) is revived, once per person.
  // Bob's invitation meets an outage (whichever calls come before it: the listing is reused).
  h.sim.faults.add({ route: 'business_users.invite', times: 1, status: 503, error: { code: 2, message: 'down', is_transient: true } })
  const bob = await h.createUser('bob@example.com')
  t.equal((await h.drain({ retryNow: false })).retried, 1)
  await sql`update pgboss.job set state = 'failed' where state = 'retry'`.execute(h.db) // as after its last retry
  t.match((await admin.get(`${base}/queue`)).json(), { depth: 0, failed: 1, failing_jobs: [{ user_id: bob, state: 'failed', next_attempt_at: null }] })
  t.match((await admin.post(`${base}/queue/retry`)).json(), { revived_jobs: 1, status: { depth: 1, retrying: 1 } })
  t.equal((await h.drain({ retryNow: false })).completed, 1)
  t.match(await h.person(bob), { state: 'invited' })
})

t.test('queue: 404 on an unknown tenant, 400 on a bad id', async (t) => {
  const { admin } = await provisionedAdmin(t)
  t.equal((await admin.get('/tenants/00000000-0000-4000-8000-000000000000/queue')).statusCode, 404)
  t.equal((await admin.post('/tenants/00000000-0000-4000-8000-000000000000/queue/retry')).statusCode, 404)
  t.equal((await admin.get('/tenants/x/queue')).statusCode, 400)
})
