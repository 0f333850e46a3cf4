import t from 'tap'
import type { MetaCallReport } from '../../../src/meta/index.js'
import { API_VERSION, setup } from '../helpers/harness.js'

// `onCall` (metrics): the client says how every Graph call ended: each HTTP exchange
// with its duration, each call the governor refused to send, each operation of a batch.

/** The error a call failed with, or 'resolved'. */
async function failure (call: Promise<unknown>): Promise<unknown> {
  return await call.then(() => 'resolved', (err: unknown) => err)
}

function recorder (): { reports: MetaCallReport[], onCall: (r: MetaCallReport) => void } {
  const reports: MetaCallReport[] = []
  return { reports, onCall: (r) => { reports.push(r) } }
}

t.test('a success, a refusal by Meta and a retried transient error, each with its duration', async (t) => {
  const { reports, onCall } = recorder()
  const { client, sim, businessId } = await setup(t, { client: { onCall, retry: { retries: 1, baseDelayMs: 1, maxDelayMs: 2 } } })
  await client.listBusinessUsers()
  t.same(reports.map((r) => [r.endpoint, r.outcome]), [[`GET /${API_VERSION}/${businessId}/business_users`, 'success']])

  sim.faults.add({ route: 'business_users.invite', error: { code: 10, message: 'Permission denied' } })
  t.match(await failure(client.inviteUser({ email: 'p@corp.example', role: 'EMPLOYEE' })), { errorClass: 'permission' })
  t.same(reports.at(-1), { endpoint: `POST /${API_VERSION}/${businessId}/business_users`, outcome: 'permission', durationSeconds: reports.at(-1)?.durationSeconds })

  sim.faults.add({ route: 'pending_users.list', status: 503, error: { code: 2, message: 'Service temporarily unavailable', is_transient: true } })
  await client.listPendingUsers()
  t.same(reports.slice(-2).map((r) => r.outcome), ['transient', 'success'], 'the failed attempt and the retry, one report each')
  t.equal(reports.length, 4, 'one report per HTTP exchange')
  for (const r of reports) t.ok(typeof r.durationSeconds === 'number' && r.durationSeconds >= 0 && r.durationSeconds < 5, `${r.outcome} has a duration`)
})

t.test('an answer of the wrong shape is unexpected, not a success', async (t) => {
  const { reports, onCall } = recorder()
  const { client, sim } = await setup(t, { client: { onCall } })
  sim.faults.add({ route: 'system_users.list', body: { data: 'not a list' } })
  t.match(await failure(client.listSystemUsers()), { errorClass: 'unexpected' })
  t.same(reports.map((r) => r.outcome), ['unexpected'])
})

t.test('no answer within the timeout is a transient call with the time it took', async (t) => {
  const { reports, onCall } = recorder()
  const { client, sim } = await setup(t, { client: { onCall, timeoutMs: 200, retry: { retries: 0 } } })
  sim.faults.add({ route: 'agencies.list', delayMs: 600 })
  t.match(await failure(client.listAgencies()), { errorClass: 'transient', source: 'timeout' })
  t.equal(reports.length, 1)
  t.equal(reports[0]?.outcome, 'transient')
  t.ok((reports[0]?.durationSeconds ?? 0) >= 0.19, `waited for the timeout (${String(reports[0]?.durationSeconds)} s)`)
})

t.test('a throttled call, then calls the paused bucket holds back: not_sent, without a duration', async (t) => {
  const { reports, onCall } = recorder()
  const { client, sim, businessId, governor } = await setup(t, { client: { onCall, maxGovernorWaitMs: 0 }, governor: { backoffInitialMs: 60_000 } })
  sim.faults.add({ route: 'business_users.list', error: { code: 4, message: '(#4) Application request limit reached' } })
  t.match(await failure(client.listBusinessUsers()), { errorClass: 'rate_limited' })
  t.equal(governor.bucket('app')?.state, 'paused')
  const sent = sim.calls.lastSeq
  t.match(await failure(client.listPendingUsers()), { source: 'governor', errorClass: 'rate_limited' })
  t.equal(sim.calls.lastSeq, sent, 'nothing was sent')
  t.same(reports.map((r) => [r.endpoint, r.outcome]), [
    [`GET /${API_VERSION}/${businessId}/business_users`, 'rate_limited'],
    [`GET /${API_VERSION}/${businessId}/pending_users`, 'not_sent']
  ])
  t.ok(typeof reports[0]?.durationSeconds === 'number', 'the throttled call was an exchange')
  t.equal(reports[1]?.durationSeconds, undefined, 'the refused one was not')
})

t.test('a batch: the request once, with its duration, and each operation under its own endpoint', async (t) => {
  const { reports, onCall } = recorder()
  const { client, sim, businessId } = await setup(t, { client: { onCall } })
  const page = sim.addAsset(businessId, { type: 'page' })
  const ads = sim.addAsset(businessId, { type: 'ad_account' })
  const results = await client.batch([
    client.operations.getAssignedUsers({ type: 'page', id: page.id }),
    client.operations.getAssignedUsers({ type: 'page', id: '999999' }),
    client.operations.getAssignedUsers({ type: 'ad_account', id: ads.id })
  ])
  t.same(results.map((r) => r.ok), [true, false, true])
  const batch = reports.filter((r) => r.endpoint === `POST /${API_VERSION}/`)
  t.equal(batch.length, 1, 'one batch request')
  t.equal(batch[0]?.outcome, 'success')
  t.ok(typeof batch[0]?.durationSeconds === 'number')
  const ops = reports.filter((r) => r.endpoint !== `POST /${API_VERSION}/`)
  t.same(ops.map((r) => [r.endpoint, r.outcome]), [
    [`GET /${API_VERSION}/${page.id}/assigned_users`, 'success'],
    [`GET /${API_VERSION}/999999/assigned_users`, 'not_found'],
    [`GET /${API_VERSION}/act_${ads.id.replace(/^act_/, '')}/assigned_users`, 'success']
  ])
  t.ok(ops.every((r) => r.durationSeconds === undefined), 'operations carry no duration of their own')
})

t.test('an observer that throws never fails the call', async (t) => {
  const { client } = await setup(t, { client: { onCall: () => { throw new Error('metrics broke') } } })
  const users = await client.listBusinessUsers()
  t.ok(Array.isArray(users))
})
