import t from 'tap'
import type { Headroom } from '../../../src/meta/index.js'
import { Admission, admissionCap } from '../../../src/provisioning/jobs/admission.js'
import { ManualClock, until } from '../../meta/helpers/manual-clock.js'

// The worker's admission decisions from synthetic usage on a manual clock: nothing sleeps, time
// moves when the test says so.

const open = (usagePct: number | null, stepPct: number | null = null): Headroom => ({ usagePct, stepPct, pausedUntil: null, slowAt: 92, pauseAt: 95 })
const limits = { min: 1, max: 8, taperPoints: 0, holdMs: 30_000 }

function make (options: Partial<ConstructorParameters<typeof Admission>[0]> = {}) {
  const clock = new ManualClock()
  let headroom = open(null)
  const admission = new Admission({ max: 8, clock, headroom: () => headroom, ...options })
  return { clock, admission, set: (h: Headroom) => { headroom = h } }
}

/** Starts an acquire and reports whether it has resolved yet. */
function track (p: Promise<() => void>) {
  const state = { done: false, release: undefined as (() => void) | undefined }
  void p.then(release => { state.done = true; state.release = release })
  return state
}

t.test('the cap: every lane while cool, tapering over the slow band, none while paused', async t => {
  const now = 1_000
  t.equal(admissionCap(open(null), now, limits), 8, 'never reported: fully open')
  t.equal(admissionCap(open(40), now, limits), 8)
  t.equal(admissionCap(open(92), now, limits), 8, 'at slowAt still every lane')
  t.equal(admissionCap(open(93), now, limits), 5, 'one point into the band: two thirds of the rest')
  t.equal(admissionCap(open(94), now, limits), 3)
  t.equal(admissionCap(open(95), now, limits), 1, 'at pauseAt: min')
  t.equal(admissionCap(open(120), now, limits), 1)
  t.equal(admissionCap({ ...open(96), pausedUntil: now + 5_000 }, now, limits), 0, 'paused: nothing starts')
  t.equal(admissionCap({ ...open(96), pausedUntil: now }, now, limits), 1, 'a pause that has ended no longer counts')
  t.equal(admissionCap({ ...open(100), pausedUntil: now + 60_000 }, now, limits), 8,
    'a pause longer than holdMs is left to the governor, which refuses the calls unsent')
  t.equal(admissionCap(open(88), now, { ...limits, taperPoints: 8 }), 5, 'with a taper the narrowing starts earlier')
})

t.test('the cap: no more calls in flight than the room below pauseAt holds in recent steps', async t => {
  const now = 1_000
  t.equal(admissionCap(open(80, 1), now, limits), 8, 'a big budget (a point per step at most): every lane')
  t.equal(admissionCap(open(90, 1), now, limits), 5, 'five points of room, one each')
  t.equal(admissionCap(open(80, 3), now, limits), 5, 'a small budget: 15 points of room, 3 a call')
  t.equal(admissionCap(open(88, 3), now, limits), 2)
  t.equal(admissionCap(open(93, 3), now, limits), 1, 'never below min while open')
  t.equal(admissionCap(open(50, 0), now, limits), 8, 'no rise seen: no narrowing')
})

t.test('the limit grows one lane per step while the bucket is cool and drops at once as it warms', async t => {
  const { clock, admission, set } = make({ growEveryMs: 100 })
  t.equal(admission.limit(), 1, 'starts at min')
  t.equal(admission.limit(), 1, 'no growth without time passing')
  for (let i = 2; i <= 8; i++) {
    clock.advance(100)
    t.equal(admission.limit(), i)
  }
  clock.advance(100)
  t.equal(admission.limit(), 8, 'never above max')
  set(open(94))
  t.equal(admission.limit(), 3, 'warm: down to the cap at once')
  set(open(50))
  t.equal(admission.limit(), 3, 'cool again: no jump back')
  clock.advance(100)
  t.equal(admission.limit(), 4, 'one step per interval')
  set({ ...open(97), pausedUntil: clock.now() + 5_000 })
  t.equal(admission.limit(), 0, 'paused')
  clock.advance(5_000)
  set(open(60))
  t.equal(admission.limit(), 1, 'after the pause it starts again from min')
})

t.test('acquire admits up to the limit; the next waits for a release', async t => {
  const { clock, admission } = make({ max: 2, growEveryMs: 100 })
  clock.advance(100)
  const first = track(admission.acquire())
  await until(() => first.done, 'first admitted')
  clock.advance(100)
  const second = track(admission.acquire())
  await until(() => second.done, 'second admitted')
  t.equal(admission.active, 2)
  const third = track(admission.acquire())
  await until(() => clock.sleepers > 0, 'the third waits')
  t.notOk(third.done, 'no room above the limit')
  first.release?.()
  await until(() => third.done, 'a release lets the waiting job in')
  t.equal(admission.active, 2)
  first.release?.()
  t.equal(admission.active, 2, 'a second release of the same place changes nothing')
})

t.test('nothing is admitted while the bucket is paused; the waiter goes in when the pause ends', async t => {
  const { clock, admission, set } = make()
  const pausedUntil = clock.now() + 5_000
  set({ ...open(96), pausedUntil })
  const job = track(admission.acquire())
  await until(() => clock.sleepers > 0, 'the job waits')
  clock.advance(4_999)
  await new Promise(resolve => setImmediate(resolve))
  t.notOk(job.done, 'still paused one millisecond before the end')
  t.equal(admission.active, 0)
  set(open(90))
  clock.advance(1)
  await until(() => job.done, 'admitted once the pause is over')
  t.equal(admission.active, 1)
})

t.test('an aborted wait rejects and takes no place', async t => {
  const { clock, admission, set } = make()
  set({ ...open(99), pausedUntil: clock.now() + 10_000 })
  const controller = new AbortController()
  const pending = admission.acquire(controller.signal)
  await until(() => clock.sleepers > 0, 'waiting')
  controller.abort(new Error('stopping'))
  await t.rejects(pending, { message: 'stopping' })
  t.equal(admission.active, 0)
})
