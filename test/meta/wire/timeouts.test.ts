import t from 'tap'
import { MetaApiError } from '../../../src/meta/vocabulary/errors.js'
import { setup } from '../helpers/harness.js'
import { ManualClock, until } from '../helpers/manual-clock.js'

t.test('a call without an answer in time fails as a transient timeout', async t => {
  const { client, sim } = await setup(t, { client: { timeoutMs: 100, retry: { retries: 0 } } })
  sim.faults.add({ route: 'business_users.list', delayMs: 30_000 })
  const err = await client.listBusinessUsers().catch((e: unknown) => e)
  t.ok(err instanceof MetaApiError)
  t.match(err, { source: 'timeout', errorClass: 'transient', code: null, endpoint: /business_users$/ })
})

t.test('reads are retried after a timeout', async t => {
  // The request timeout runs on a clock the test moves: the first call times out when the test
  // says so, once the simulator holds it, and the retry cannot time out however busy the
  // machine is (no race between a 100 ms timer and a loaded event loop).
  const requestClock = new ManualClock()
  const { client, sim } = await setup(t, { client: { timeoutMs: 100, timeoutClock: requestClock } })
  sim.faults.add({ route: 'business_users.list', delayMs: 30_000 })
  const listing = client.listBusinessUsers()
  await until(() => sim.faults.list().length === 0, 'the delayed call reached the simulator', 60_000)
  t.equal(requestClock.sleepers, 1, 'one request waits on its timeout')
  requestClock.advance(100)
  const users = await listing
  t.equal(users.length, 1)
  // The timed-out call is logged once the simulator notices the client left.
  await until(() => sim.calls.list({ route: 'business_users.list' }).length === 2, 'both calls logged', 60_000)
  t.pass('the timed-out call and its retry both reached the simulator')
})

t.test('an invite is not retried after a timeout (its outcome is unknown)', async t => {
  // A timeout long enough for the call to reach the simulator on a busy machine, far shorter
  // than the injected delay.
  const { client, sim } = await setup(t, { client: { timeoutMs: 1000 } })
  sim.faults.add({ route: 'business_users.invite', delayMs: 30_000 })
  const err = await client.inviteUser({ email: 'slow@corp.example', role: 'EMPLOYEE' }).catch((e: unknown) => e)
  t.match(err, { source: 'timeout' })
  t.equal(sim.faults.list().length, 0)
  t.same(sim.store.requestsOf(client.businessId), [], 'no second attempt created an invite')
})

t.test('transient graph errors on an invite are not retried either', async t => {
  const { client, sim } = await setup(t)
  sim.faults.add({ route: 'business_users.invite', error: { code: 2 } })
  t.match(await client.inviteUser({ email: 'x@corp.example', role: 'EMPLOYEE' }).catch((e: unknown) => e), { code: 2, errorClass: 'transient' })
  t.equal(sim.calls.list({ route: 'business_users.invite' }).length, 1)
})

t.test('the caller can abort; the abort is not turned into a Meta error', async t => {
  const { client, sim } = await setup(t, { client: { timeoutMs: 10_000 } })
  sim.faults.add({ route: 'business_users.list', delayMs: 30_000 })
  const controller = new AbortController()
  const pending = client.listBusinessUsers({ signal: controller.signal }).catch((e: unknown) => e)
  controller.abort(new Error('shutting down'))
  const err = await pending
  t.notOk(err instanceof MetaApiError)
  t.match(err, { message: 'shutting down' })
})

t.test('a refused connection is a transient network error', async t => {
  const { createMetaClient } = await import('../../../src/meta/client.js')
  const { MetaGovernor } = await import('../../../src/meta/governor/governor.js')
  const net = await import('node:net')
  const server = net.createServer()
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as { port: number }).port
  await new Promise<void>(resolve => server.close(() => resolve()))
  const client = createMetaClient({
    graphUrl: `http://127.0.0.1:${port}`,
    apiVersion: 'v26.0',
    accessToken: 't',
    businessId: '1',
    timeoutMs: 2000,
    governor: new MetaGovernor(),
    retry: { retries: 0 },
    graphUrlSetting: 'META_GRAPH_URL'
  })
  const err = await client.listBusinessUsers().catch((e: unknown) => e)
  t.match(err, { source: 'network', errorClass: 'transient' })
  // "fetch failed" alone does not tell an admin where the bridge was looking.
  t.match((err as Error).message, `request to http://127.0.0.1:${port} (set by META_GRAPH_URL) failed`)
  t.match((err as Error).message, /ECONNREFUSED/)
})
