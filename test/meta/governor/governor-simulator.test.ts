import t, { type Test } from 'tap'
import { MetaApiError } from '../../../src/meta/vocabulary/errors.js'
import { setup } from '../helpers/harness.js'
import { ManualClock, until } from '../helpers/manual-clock.js'

// The governor against the simulator over HTTP, both on one manual clock: time moves only when
// the test advances it, so "while paused" and "after the window" need no sleeping.

const MIN = 60_000

async function world (t: Test, rateLimits: Record<string, unknown>, governor: Record<string, unknown> = {}) {
  const clock = new ManualClock()
  const s = await setup(t, {
    sim: { now: clock.now, settings: { rateLimits } },
    client: { clock, maxGovernorWaitMs: 60 * MIN },
    governor: { clock, ...governor }
  })
  const asset = s.sim.addAsset(s.businessId, { type: 'ad_account' })
  const ref = { type: 'ad_account' as const, id: asset.id }
  const bucketKey = `buc:${asset.id.slice(4)}:ads_management`
  const simBucket = () => s.sim.limiter.status({ key: bucketKey, kind: 'buc' })
  const assignedCalls = () => s.sim.calls.list({ route: 'assigned_users.list' }).length
  return { ...s, clock, ref, bucketKey, simBucket, assignedCalls }
}

t.test('usage headers pause the bucket before Meta blocks it; zero calls while paused; resumes after the window', async t => {
  const w = await world(t, { buc: { budget: 2, windowMs: 5 * MIN } })
  await w.client.getAssignedUsers(w.ref)
  await w.client.getAssignedUsers(w.ref)
  t.match(w.governor.bucket(w.bucketKey), { state: 'paused', usagePct: 100, pausedUntil: w.clock.now() + 5 * MIN })

  let third: unknown
  const pending = w.client.getAssignedUsers(w.ref).then(v => { third = v })
  await until(() => w.governor.bucket(w.bucketKey)?.waiting === 1, 'third call waits in the governor')
  t.equal(w.assignedCalls(), 2, 'no call reached the simulator while paused')

  const members = await w.client.listBusinessUsers()
  t.equal(members.length, 1, 'a call in another bucket goes on')

  w.clock.advance(5 * MIN - 1)
  await new Promise(resolve => setTimeout(resolve, 5))
  t.equal(w.assignedCalls(), 2, 'still nothing one millisecond before the window reopens')
  w.clock.advance(1)
  await pending
  t.same(third, [], 'the waiting call ran once the window reopened')
  t.equal(w.assignedCalls(), 3)
  t.equal(w.simBucket().blockedCalls, 0, 'no call ever arrived while the simulator had the bucket blocked')
})

t.test('without warning headers: the throttle error pauses the bucket, nothing is sent until it reopens', async t => {
  const w = await world(t, { buc: { budget: 2, windowMs: MIN }, headersFromPct: 101 }, { backoffInitialMs: MIN })
  await w.client.getAssignedUsers(w.ref)
  await w.client.getAssignedUsers(w.ref)
  const err = await w.client.getAssignedUsers(w.ref).catch((e: unknown) => e)
  t.ok(err instanceof MetaApiError)
  t.match(err, { code: 80004, subcode: 2446079, errorClass: 'rate_limited', source: 'graph', retryAfterMs: MIN })
  t.equal(w.simBucket().blockedCalls, 1, 'the throttled call itself')

  const pending = w.client.getAssignedUsers(w.ref)
  await until(() => w.governor.bucket(w.bucketKey)?.waiting === 1, 'next call waits')
  t.equal(w.assignedCalls(), 3)
  t.equal(w.simBucket().blockedCalls, 1, 'no further call hit the blocked bucket')
  w.clock.advance(MIN)
  t.same(await pending, [])
  t.equal(w.assignedCalls(), 4)
  t.equal(w.simBucket().blockedCalls, 1)
  t.match(w.governor.bucket(w.bucketKey), { state: 'open', consecutiveThrottles: 0 })
})

t.test('a business-use-case throttle pauses the called object\'s bucket even when the header names only the business', async t => {
  const w = await world(t, { buc: { budget: 2, windowMs: MIN }, bucHeaderKeyedBy: 'business' }, { backoffInitialMs: MIN })
  const businessBucket = `buc:${w.businessId}:ads_management`
  await w.client.getAssignedUsers(w.ref)
  await w.client.getAssignedUsers(w.ref)
  t.match(w.governor.bucket(businessBucket), { state: 'paused' }, 'the header named the business: its bucket paused')
  t.notOk(w.governor.bucket(w.bucketKey)?.state === 'paused', 'the ad account\'s own bucket knew nothing yet')
  const err = await w.client.getAssignedUsers(w.ref).catch((e: unknown) => e)
  t.match(err, { code: 80004, errorClass: 'rate_limited' }, 'so the next call met the throttle')
  t.match(w.governor.bucket(w.bucketKey), { state: 'paused', pauseReason: 'code 80004' }, 'the throttle paused the object\'s own bucket')

  const pending = w.client.getAssignedUsers(w.ref)
  await until(() => w.governor.bucket(w.bucketKey)?.waiting === 1, 'the next call waits in the governor')
  t.equal(w.simBucket().blockedCalls, 1, 'nothing more reached the blocked bucket')
  w.clock.advance(2 * MIN)
  t.same(await pending, [])
  t.equal(w.simBucket().blockedCalls, 1)
})

t.test('an app-level throttle (code 4) pauses platform calls while ad-account calls go on', async t => {
  const w = await world(t, { app: { budget: 2, windowMs: MIN }, headersFromPct: 101 }, { backoffInitialMs: MIN })
  await w.client.listBusinessUsers()
  await w.client.listSystemUsers()
  t.match(await w.client.listAgencies().catch((e: unknown) => e), { code: 4, errorClass: 'rate_limited' })
  t.equal(w.governor.bucket('app')?.state, 'paused')

  const before = w.sim.calls.lastSeq
  const pending = w.client.listClients()
  await until(() => w.governor.bucket('app')?.waiting === 1, 'platform call waits')
  t.same(await w.client.getAssignedUsers(w.ref), [], 'the ad account (BUC) call went through')
  t.same(w.sim.calls.list({ since: before }).map(c => c.route), ['assigned_users.list'], 'only the BUC call was sent')
  w.clock.advance(MIN)
  t.same(await pending, [])
  t.equal(w.sim.limiter.all().find(b => b.key.startsWith('app:'))?.blockedCalls, 1)
})

t.test('a call whose bucket stays paused past maxGovernorWaitMs is refused locally', async t => {
  const clock = new ManualClock()
  const s = await setup(t, {
    sim: { now: clock.now, settings: { rateLimits: { buc: { budget: 1, windowMs: 10 * MIN } } } },
    client: { clock, maxGovernorWaitMs: MIN },
    governor: { clock }
  })
  const asset = s.sim.addAsset(s.businessId, { type: 'ad_account' })
  await s.client.getAssignedUsers({ type: 'ad_account', id: asset.id })
  const err = await s.client.getAssignedUsers({ type: 'ad_account', id: asset.id }).catch((e: unknown) => e)
  t.match(err, { source: 'governor', errorClass: 'rate_limited', retryAfterMs: 10 * MIN })
  t.equal(s.sim.calls.list({ route: 'assigned_users.list' }).length, 1, 'refused without a call')
})

t.test('X-Ad-Account-Usage from the simulator pauses the ad account bucket', async t => {
  const w = await world(t, { buc: { budget: 2, windowMs: 2 * MIN }, emitAdAccountUsage: true })
  await w.client.getAssignedUsers(w.ref)
  t.match(w.governor.bucket(`ad_account:${w.ref.id.slice(4)}`), { state: 'open', usagePct: 50 })
  await w.client.getAssignedUsers(w.ref)
  t.match(w.governor.bucket(`ad_account:${w.ref.id.slice(4)}`), { state: 'paused', pausedUntil: w.clock.now() + 2 * MIN })
})
