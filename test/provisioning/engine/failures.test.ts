import t from 'tap'
import { sql } from 'kysely'
import { listAudit } from '../../../src/provisioning/records/audit-repository.js'
import { getMetaSettings } from '../../../src/tenants/meta-settings.js'
import { ManualClock } from '../../meta/helpers/manual-clock.js'
import { provisioningHarness } from '../helpers/harness.js'

// How the engine meets Meta's failures (meta-graph-api.md §4, §5.4).

const invitesPerEmail = (h: Awaited<ReturnType<typeof provisioningHarness>>) => {
  const counts = new Map<string, number>()
  for (const r of h.sim.store.requestsOf(h.businessId)) counts.set(r.email.toLowerCase(), (counts.get(r.email.toLowerCase()) ?? 0) + 1)
  return counts
}

t.test('5xx and timeouts for a while: nothing lost, everything applied after, no duplicate invitation', async (t) => {
  // duplicateInvite 'new': a second P2 for the same email would create a second invitation.
  const h = await provisioningHarness(t, { sim: { settings: { duplicateInvite: 'new' } } })
  h.sim.faults.add({ route: 'business_users.invite', times: 3, delayMs: 2500 }) // client timeout is 2 s: outcome unknown, Meta did it
  h.sim.faults.add({ route: '*', times: 12, status: 503, error: { code: 2, message: 'Service temporarily unavailable', is_transient: true } })
  const ids = []
  for (let i = 0; i < 6; i++) ids.push(await h.createUser(`user${i}@example.com`))
  const result = await h.drain()
  t.ok(result.retried > 0, `jobs were retried (${result.retried})`)
  t.equal(h.sim.faults.list().length, 0, 'every injected failure was met')
  for (let i = 0; i < 6; i++) t.match(await h.person(ids[i]!), { state: 'invited', lastError: null }, `user${i} invited`)
  const counts = invitesPerEmail(h)
  t.same([...counts.values()], [1, 1, 1, 1, 1, 1], 'exactly one invitation per person, even after timeouts')
})

t.test('an invitation without an answer that never landed: no second one until the quarantine passes', async (t) => {
  const policy = { settleChecks: 2, settleMs: 10, quarantineMs: 3_600_000, sleep: async (ms: number) => { await new Promise((resolve) => setTimeout(resolve, ms)) } }
  const h = await provisioningHarness(t, { sim: { settings: { duplicateInvite: 'new' } }, unknownOutcome: policy })
  // The answer comes after the client gave up, and it is an error: nothing was created.
  h.sim.faults.add({ route: 'business_users.invite', times: 1, delayMs: 2500, error: { code: 2, message: 'late failure' } })
  const ada = await h.createUser('ada@example.com')
  const first = await h.drain({ retryNow: false })
  t.equal(first.retried, 1)
  t.ok((await h.person(ada))?.inviteAttemptedAt, 'the unknown outcome is remembered')
  await sql`update pgboss.job set start_after = now() where state = 'retry'`.execute(h.db) // the backoff has passed
  const second = await h.drain({ retryNow: false })
  t.equal(second.retried, 1, 'within the quarantine the job waits')
  t.equal(h.calls('business_users.invite').length, 1, 'and sends no second invitation')
  policy.quarantineMs = 0
  await h.drain()
  t.equal(h.calls('business_users.invite').length, 2, 'after it, the email is looked up again and invited')
  t.equal(h.sim.store.requestsOf(h.businessId).length, 1, 'one invitation in the business')
  t.match(await h.person(ada), { state: 'invited', inviteAttemptedAt: null })
})

t.test('throttled: the bucket pauses and no call is sent until it reopens', async (t) => {
  const clock = new ManualClock(Date.now())
  const h = await provisioningHarness(t, { governor: { clock, backoffInitialMs: 60_000 } })
  const first = await h.createUser('t1@example.com')
  await h.drain()
  t.match(await h.person(first), { state: 'invited' })
  h.sim.faults.add({ route: '*', times: 1, error: { code: 4, message: '(#4) Application request limit reached' } })
  for (let i = 2; i <= 5; i++) await h.createUser(`t${i}@example.com`)
  await h.drain({ retryNow: false })
  const afterThrottle = h.sim.calls.lastSeq
  t.equal(h.governor.bucket('app')?.state, 'paused', 'the app bucket is paused')
  await h.createUser('t6@example.com')
  const more = await h.drain({ retryNow: false })
  t.equal(more.retried, 1, 'the new job waits for the bucket')
  t.equal(h.sim.calls.lastSeq, afterThrottle, 'zero calls while paused')
  clock.advance(75_000)
  await h.drain()
  for (let i = 1; i <= 6; i++) t.ok(h.inviteOf(`t${i}@example.com`), `t${i} invited once the bucket reopened`)
})

t.test('the last admin is never removed or demoted: refused, reported, not retried', async (t) => {
  const h = await provisioningHarness(t, { business: { admins: [{ email: 'owner@example.com' }] } })
  const owner = await h.createUser('owner@example.com') // default role EMPLOYEE would demote the only admin
  const result = await h.drain()
  t.equal(result.retried, 0, 'not retried')
  t.equal(h.memberOf('owner@example.com')?.role, 'ADMIN', 'still admin')
  const person = await h.person(owner)
  t.match(person, { state: 'failed', businessUserId: h.memberOf('owner@example.com')?.id })
  t.match(person?.lastError, /last admin/i, "Meta's message is recorded")
  t.equal(person?.lastErrorCode, 3914)
  await h.setActive(owner, false)
  await h.drain()
  t.ok(h.memberOf('owner@example.com'), 'deactivating the last admin does not remove them')
  t.equal(h.calls('business_user.delete').length, 1, 'one attempt, no retry')
  const refused = (await listAudit(h.db, h.tenantId, { userId: owner })).filter((e) => e.outcome === 'refused')
  t.same(refused.map((e) => e.action).sort(), ['change_role', 'remove'])
  t.ok(refused.every((e) => e.error_code === 3914 && e.meta_trace_id !== null))
})

t.test('token revoked (190): the tenant is disconnected, its jobs wait, a new token resumes them', async (t) => {
  const h = await provisioningHarness(t)
  const a = await h.createUser('a@example.com')
  await h.drain()
  t.ok(h.inviteOf('a@example.com'))
  t.equal((await getMetaSettings(h.db, h.tenantId)).connection.status, 'connected', 'a call Meta accepted marks the tenant connected')
  h.sim.store.tokens.delete(h.seeded.token)
  const before = h.sim.calls.lastSeq
  const b = await h.createUser('b@example.com')
  const c = await h.createUser('c@example.com')
  const first = await h.drain()
  t.equal(first.retried, 0, 'auth failures are not retried')
  t.equal(first.parked, 2, 'both jobs wait')
  const settings = await getMetaSettings(h.db, h.tenantId)
  t.equal(settings.connection.status, 'disconnected')
  t.match(settings.connection.error, /190/)
  t.equal(h.sim.calls.lastSeq - before, 1, 'one refused call, then nothing more was sent')
  t.equal(h.sim.calls.list({ since: before })[0]?.errorCode, 190)
  await h.setActive(a, false)
  await h.drain()
  t.equal(h.sim.calls.lastSeq - before, 1, 'no call while disconnected')
  t.ok(h.inviteOf('a@example.com'))

  const fresh = h.sim.addToken({ businessId: h.businessId, appId: [...h.sim.store.apps.keys()][0]!, actor: { kind: 'system_user', id: h.seeded.systemUser.id }, role: 'ADMIN' })
  await h.settings({ accessToken: fresh })
  t.equal((await getMetaSettings(h.db, h.tenantId)).connection.status, 'unknown', 'a new token reconnects')
  await h.db.transaction().execute(async (trx) => { await h.runtime.queue.enqueueTenant(trx, h.tenantId, 'reconnected') })
  await h.drain()
  t.ok(h.inviteOf('b@example.com'))
  t.ok(h.inviteOf('c@example.com'))
  t.notOk(h.inviteOf('a@example.com'), 'the deactivation made while disconnected is applied')
  t.match(await h.person(b), { state: 'invited' })
  t.match(await h.person(c), { state: 'invited' })
})
