import t from 'tap'
import { MetaGovernor, type CallScope } from '../../../src/meta/governor/governor.js'
import type { UsageReport } from '../../../src/meta/governor/usage-headers.js'
import { ManualClock, until } from '../helpers/manual-clock.js'

const APP: CallScope = { platform: true, objectId: '111' }
const AD: CallScope = { platform: false, objectId: '555', bucType: 'ads_management', adAccountId: '555' }
const EMPTY: UsageReport = { app: null, buc: [], adAccount: null }
const appUsage = (pct: number): UsageReport => ({ ...EMPTY, app: { callCount: pct, totalTime: 1, totalCputime: 1 } })
const bucUsage = (objectId: string, type: string, pct: number, etaMinutes: number): UsageReport => ({
  ...EMPTY, buc: [{ objectId, type, callCount: pct, totalTime: 0, totalCputime: 0, etaMinutes, accessTier: null }]
})

function make (options: ConstructorParameters<typeof MetaGovernor>[0] = {}) {
  const clock = new ManualClock()
  const governor = new MetaGovernor({ clock, random: () => 0, ...options })
  return { clock, governor }
}

/** Starts an acquire and reports whether it has resolved yet. */
function track<T> (p: Promise<T>) {
  const state = { done: false, value: undefined as T | undefined, error: undefined as unknown }
  p.then(v => { state.done = true; state.value = v }, e => { state.done = true; state.error = e })
  return state
}

t.test('an open bucket lets calls through at once', async t => {
  const { governor } = make()
  const permit = await governor.acquire(APP)
  t.same(permit.keys, ['app'])
  permit.complete(appUsage(10), null)
  t.match(governor.bucket('app'), { state: 'open', usagePct: 10, callsStarted: 1, inFlight: 0 })
})

t.test('from 92% usage the bucket is slowed: calls are spaced', async t => {
  const { governor, clock } = make({ maxSpacingMs: 1500 })
  ;(await governor.acquire(APP)).complete(appUsage(91), null)
  t.match(governor.bucket('app'), { state: 'open', spacingMs: 0 }, 'just below slowAt: no spacing')
  ;(await governor.acquire(APP)).complete(appUsage(94), null)
  t.match(governor.bucket('app'), { state: 'slowed', spacingMs: 1000 })
  const next = track(governor.acquire(APP))
  await until(() => clock.sleepers > 0, 'the call waits')
  t.notOk(next.done, 'the next call waits for the spacing')
  clock.advance(999)
  await new Promise(resolve => setImmediate(resolve))
  t.notOk(next.done, 'still waiting just before the spacing ends')
  clock.advance(1)
  await until(() => next.done, 'released after the spacing')
  t.equal(next.error, undefined)
})

t.test('from 95% usage the bucket pauses: for the advertised time, else the initial backoff', async t => {
  const { governor, clock } = make()
  const start = clock.now()
  ;(await governor.acquire(APP)).complete(appUsage(96), null)
  t.match(governor.bucket('app'), { state: 'paused', pausedUntil: start + 60_000, pauseReason: 'usage 96%' })
  ;(await governor.acquire(AD)).complete(bucUsage('555', 'ads_management', 99, 3), null)
  t.match(governor.bucket('buc:555:ads_management'), { state: 'paused', pausedUntil: start + 180_000 })
})

t.test('while a bucket is paused no call starts in it; other buckets go on; it resumes after', async t => {
  const { governor, clock } = make()
  ;(await governor.acquire(AD)).complete(bucUsage('555', 'ads_management', 100, 2), { code: 80004, subcode: 2446079 })
  const waiting = track(governor.acquire(AD, { maxWaitMs: 600_000 }))
  await until(() => governor.bucket('buc:555:ads_management')?.waiting === 1, 'call is waiting')
  t.equal(governor.bucket('buc:555:ads_management')?.callsStarted, 1, 'no second call started')
  const other = await governor.acquire(APP)
  t.equal(governor.bucket('app')?.callsStarted, 1, 'a call in another bucket started while the ad account was paused')
  other.complete(EMPTY, null)
  clock.advance(119_999)
  await new Promise(resolve => setImmediate(resolve))
  t.notOk(waiting.done, 'still paused one millisecond before the end')
  clock.advance(1)
  await until(() => waiting.done, 'resumes when the window reopens')
  t.equal(governor.bucket('buc:555:ads_management')?.callsStarted, 2)
})

t.test('throttles without an advertised time back off exponentially up to the cap', async t => {
  const { governor, clock } = make({ backoffInitialMs: 1000, backoffMaxMs: 3000 })
  const pauses: number[] = []
  for (let i = 0; i < 4; i++) {
    const permit = await governor.acquire(APP, { maxWaitMs: 10_000 })
    permit.complete(EMPTY, { code: 4, subcode: null })
    const until = governor.bucket('app')?.pausedUntil ?? 0
    pauses.push(until - clock.now())
    clock.advance(until - clock.now())
  }
  t.same(pauses, [1000, 2000, 3000, 3000])
  ;(await governor.acquire(APP)).complete(EMPTY, null)
  t.match(governor.bucket('app'), { state: 'open', consecutiveThrottles: 0 }, 'a success resets the backoff')
})

t.test('jitter lengthens a pause by up to jitterRatio', async t => {
  const { governor, clock } = make({ random: () => 0.5, jitterRatio: 0.2 })
  ;(await governor.acquire(APP)).complete(EMPTY, { code: 17, subcode: null })
  t.equal(governor.bucket('app')?.pausedUntil, clock.now() + 66_000)
})

t.test('after a pause one probe goes first; the rest wait for its answer', async t => {
  const { governor, clock } = make({ backoffInitialMs: 1000 })
  ;(await governor.acquire(APP)).complete(EMPTY, { code: 4, subcode: null })
  const a = track(governor.acquire(APP))
  const b = track(governor.acquire(APP))
  await until(() => governor.bucket('app')?.waiting === 2, 'both wait')
  clock.advance(1000)
  await until(() => a.done || b.done, 'one starts')
  await new Promise(resolve => setImmediate(resolve))
  t.equal([a, b].filter(x => x.done).length, 1, 'only the probe started')
  t.equal(governor.bucket('app')?.state, 'probing')
  const probe = (a.done ? a : b).value!
  probe.complete(EMPTY, null)
  await until(() => a.done && b.done, 'the other starts after the probe succeeded')
  t.equal(governor.bucket('app')?.state, 'open')
})

t.test('a call that would wait longer than maxWaitMs fails fast without being sent', async t => {
  const { governor } = make()
  ;(await governor.acquire(APP)).complete(EMPTY, { code: 4, subcode: null })
  const err = await governor.acquire(APP, { maxWaitMs: 1000, endpoint: 'GET /v26.0/111/business_users' }).catch((e: unknown) => e)
  t.match(err, { name: 'MetaApiError', source: 'governor', errorClass: 'rate_limited', retryAfterMs: 60_000, endpoint: 'GET /v26.0/111/business_users' })
  t.match(governor.bucket('app'), { callsStarted: 1, rejected: 1 })
})

t.test('an aborted wait rejects with the abort reason', async t => {
  const { governor } = make()
  ;(await governor.acquire(APP)).complete(EMPTY, { code: 4, subcode: null })
  const controller = new AbortController()
  const pending = governor.acquire(APP, { signal: controller.signal }).catch((e: unknown) => e)
  await until(() => governor.bucket('app')?.waiting === 1, 'waiting')
  controller.abort(new Error('stop'))
  t.match(await pending, { message: 'stop' })
  t.equal(governor.bucket('app')?.waiting, 0)
})

t.test('which bucket a throttle pauses', async t => {
  const cases: Array<[string, CallScope, UsageReport, { code: number, subcode: number | null }, string[]]> = [
    ['4 → app even for an ad-account call', AD, EMPTY, { code: 4, subcode: null }, ['app']],
    ['80004 → the call\'s own bucket and the one the header names', AD, bucUsage('777', 'ads_management', 100, 1), { code: 80004, subcode: 2446079 }, ['buc:555:ads_management', 'buc:777:ads_management']],
    ['80004 with the header keyed by the business → the object\'s bucket too', AD, bucUsage('1234', 'ads_management', 100, 1), { code: 80004, subcode: null }, ['buc:1234:ads_management', 'buc:555:ads_management']],
    ['80001 without header → the call\'s own bucket', { platform: false, objectId: '9', bucType: 'pages' }, EMPTY, { code: 80001, subcode: null }, ['buc:9:pages']],
    ['17/2446079 → the ad account bucket', AD, EMPTY, { code: 17, subcode: 2446079 }, ['ad_account:555']],
    ['613 on a BUC call → its bucket', AD, EMPTY, { code: 613, subcode: null }, ['buc:555:ads_management']],
    ['613 on a platform call → app', APP, EMPTY, { code: 613, subcode: null }, ['app']]
  ]
  for (const [name, scope, report, throttle, keys] of cases) {
    const { governor } = make()
    ;(await governor.acquire(scope)).complete(report, throttle)
    const paused = governor.snapshot().buckets.filter(b => b.state === 'paused').map(b => b.key).sort()
    t.same(paused, keys, name)
  }
})

t.test('X-Ad-Account-Usage pauses the ad account bucket for reset_time_duration seconds', async t => {
  const { governor, clock } = make()
  ;(await governor.acquire(AD)).complete({ ...EMPTY, adAccount: { utilPct: 97, resetSeconds: 30, accessTier: null } }, null)
  t.match(governor.bucket('ad_account:555'), { state: 'paused', pausedUntil: clock.now() + 30_000 })
})

t.test('headroom: usage, the largest recent rise between answers, the pause and the thresholds', async t => {
  const { governor, clock } = make()
  t.same(governor.headroom(), { usagePct: null, stepPct: null, pausedUntil: null, slowAt: 92, pauseAt: 95 }, 'nothing reported yet')
  for (const pct of [10, 12, 17, 15, 16]) (await governor.acquire(APP)).complete(appUsage(pct), null)
  t.match(governor.headroom(), { usagePct: 16, stepPct: 5, pausedUntil: null }, 'falls (calls leaving the window) are not steps')
  ;(await governor.acquire(APP)).complete(appUsage(96), null)
  t.match(governor.headroom('app'), { usagePct: 96, stepPct: 80, pausedUntil: clock.now() + 60_000 })
  t.same(governor.headroom('buc:1:pages'), { usagePct: null, stepPct: null, pausedUntil: null, slowAt: 92, pauseAt: 95 }, 'an unknown bucket is open')
})

t.test('buckets reported for an object also gate later calls on it', async t => {
  const { governor } = make()
  ;(await governor.acquire(APP)).complete(bucUsage('111', 'pages', 100, 1), null)
  t.same(governor.keysFor(APP).sort(), ['app', 'buc:111:pages'])
  const err = await governor.acquire(APP, { maxWaitMs: 0 }).catch((e: unknown) => e)
  t.match(err, { source: 'governor', retryAfterMs: 60_000 })
})
