import t, { type Test } from 'tap'
import pino from 'pino'
import { createSecretBox } from '../../../src/crypto/secret-box.js'
import { MetaGovernor } from '../../../src/meta/index.js'
import { startProvisioning, type ProvisioningRuntime } from '../../../src/provisioning/runtime.js'
import { seedFanoutTenant } from '../../../bench/lib/fanout-tenant.js'
import { testConfig } from '../../helpers/app.js'
import { createTestDatabase } from '../../helpers/database.js'
import { API_VERSION, startSimulator } from '../../meta/helpers/harness.js'
import { ManualClock } from '../../meta/helpers/manual-clock.js'

// The running worker (pg-boss lanes, the admission, the governor) against the simulator over
// loopback with a budget smaller than the fan-out: every person is invited, Meta never answers
// with a throttle and no call arrives while the simulator has the bucket blocked. The simulator,
// the governors and the admissions share one manual clock; the test moves it only while no
// invitation is being made, so windows roll and pauses end without sleeping.

const USERS = 40
const BUDGET = 30
const WINDOW_MS = 60_000

t.setTimeout(600_000)

async function fanout (t: Test, replicas: number): Promise<void> {
  const clock = new ManualClock()
  const limit = { budget: BUDGET, windowMs: WINDOW_MS }
  const { sim, url } = await startSimulator(t, { now: clock.now, settings: { rateLimits: { app: limit, buc: limit } } })
  const seeded = sim.seedBusiness()
  const businessId = seeded.business.id
  const database = await createTestDatabase(t)
  const config = testConfig({
    META_GRAPH_URL: url,
    META_API_VERSION: API_VERSION,
    META_POLL_INTERVAL_SECONDS: '3600',
    WORKER_BATCH_SIZE: '4',
    WORKER_CONCURRENCY: '4'
  })
  const box = createSecretBox(Buffer.alloc(32, 7))
  // Each replica has what a process of its own has: its pg-boss, its governor, its admission.
  const runtimes: ProvisioningRuntime[] = []
  for (let i = 0; i < replicas; i++) {
    const runtime = await startProvisioning({
      config,
      database,
      logger: pino({ level: 'silent' }),
      runWorker: false,
      supervise: false,
      box,
      governor: new MetaGovernor({ clock, random: () => 0 }),
      // A throttle's pause is waited out by the admission here, not turned into job retries.
      admission: { clock, holdMs: 10 * WINDOW_MS },
      clientOverrides: { retry: { retries: 1, baseDelayMs: 1, maxDelayMs: 2 }, random: () => 0, timeoutMs: 5000 }
    })
    t.teardown(() => runtime.stop())
    runtimes.push(runtime)
  }
  const first = runtimes[0] as ProvisioningRuntime
  await seedFanoutTenant(database.db, {
    box, queue: first.queue, business: { id: businessId, token: seeded.token }, users: USERS, name: 'fanout', reason: 'test fan-out'
  })

  const invited = (): number => sim.store.requestsOf(businessId).filter((r) => /pending/i.test(String(r.status))).length
  for (const runtime of runtimes) await runtime.startWorker()
  // Time moves a second whenever a few turns pass without a new invitation (waiting out the
  // governor's spacing and pauses and the simulator's window). Bounded, never asserted on.
  let seen = -1
  let quiet = 0
  for (let turn = 0; turn < 20_000 && invited() < USERS; turn++) {
    await new Promise((resolve) => setTimeout(resolve, 5))
    if (invited() !== seen) {
      seen = invited()
      quiet = 0
    } else if (++quiet >= 4) {
      clock.advance(1000)
      quiet = 0
    }
  }

  t.equal(invited(), USERS, 'every person invited')
  const calls = sim.calls.list()
  t.ok(calls.length > BUDGET, `more calls (${calls.length}) than one window's budget: the budget was binding`)
  t.same(calls.filter((c) => c.errorCode !== null).map((c) => `${c.route} ${c.errorCode}`), [], 'no throttle (no error at all)')
  t.equal(calls.filter((c) => c.blocked).length, 0, 'no call arrived while its bucket was blocked')
  t.equal(sim.limiter.all().reduce((n, b) => n + b.blockedCalls, 0), 0)
  t.ok(sim.limiter.all().every((b) => b.totalCalls > 0), 'the buckets saw the calls')
  if (replicas > 1) {
    const perReplica = runtimes.map((r) => r.clients.governor.bucket('app')?.callsStarted ?? 0)
    t.ok(perReplica.every((n) => n > 0), `every replica called Meta (${perReplica.join(', ')})`)
  }
}

t.test('one worker, a budget smaller than the fan-out: all invited, 0 throttles, 0 calls while blocked', async (t) => {
  await fanout(t, 1)
})

t.test('two workers sharing the tenant and the app bucket do not overshoot it', async (t) => {
  await fanout(t, 2)
})
