import t from 'tap'
import { buildTestApp } from '../helpers/app.js'
import { overloadReason } from '../../src/http/overload.js'
import { createProcessProbe, type OverloadProbe, type ProcessLoad } from '../../src/http/overload-probe.js'

// Test apps turn shedding off by default; these tests turn it on at the service's default.
const shedding = { OVERLOAD_MAX_EVENT_LOOP_DELAY_MS: '1000' }

const ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error'

/** Readings the test sets; nothing is measured, so nothing depends on how busy the machine is. */
function fixedProbe (load: ProcessLoad): OverloadProbe & { load: ProcessLoad, stopped: boolean } {
  const probe = { load, stopped: false, current: () => probe.load, stop: () => { probe.stopped = true } }
  return probe
}

t.test('a lagging event loop gets SCIM requests a 503 with Retry-After and a SCIM body', async (t) => {
  const probe = fixedProbe({ eventLoopDelayMs: 5_000, heapUsedBytes: 0 })
  const { app, headers } = await buildTestApp(t, { env: shedding, deps: { overloadProbe: probe } })
  const res = await app.inject({ method: 'GET', url: '/scim/v2/Users', headers })
  t.equal(res.statusCode, 503)
  t.equal(res.headers['retry-after'], '10', 'default OVERLOAD_RETRY_AFTER_SECONDS')
  t.match(res.headers['content-type'], /^application\/scim\+json/)
  t.match(res.json(), { schemas: [ERROR_SCHEMA], status: '503' })
  t.type(res.json().detail, 'string')

  const admin = await app.inject({ method: 'GET', url: '/openapi.yaml' })
  t.equal(admin.statusCode, 503, 'other routes shed too')
  t.match(admin.json(), { error: 'service_unavailable', status: 503 })

  const metrics = await app.inject({ method: 'GET', url: '/metrics' })
  t.equal(metrics.statusCode, 200, '/metrics still answers')
  t.match(metrics.body, /^scim_bridge_overload_rejected_total\{reason="event_loop_delay"\} 2$/m)
  t.match(metrics.body, /^scim_bridge_overloaded\{reason="event_loop_delay"\} 1$/m)
  t.match(metrics.body, /^scim_bridge_overload_event_loop_delay_seconds 5$/m)
})

t.test('health and readiness answer while overloaded', async (t) => {
  const probe = fixedProbe({ eventLoopDelayMs: 5_000, heapUsedBytes: 0 })
  const { app } = await buildTestApp(t, { env: shedding, deps: { overloadProbe: probe } })
  t.equal((await app.inject({ method: 'GET', url: '/healthz' })).statusCode, 200)
  t.equal((await app.inject({ method: 'GET', url: '/readyz' })).statusCode, 200)
})

t.test('heap over its limit sheds; back under it serves again', async (t) => {
  const probe = fixedProbe({ eventLoopDelayMs: 0, heapUsedBytes: 600_000_000 })
  const { app, headers } = await buildTestApp(t, {
    env: { OVERLOAD_MAX_HEAP_BYTES: '500000000', OVERLOAD_RETRY_AFTER_SECONDS: '30' },
    deps: { overloadProbe: probe }
  })
  const shed = await app.inject({ method: 'GET', url: '/scim/v2/Users', headers })
  t.equal(shed.statusCode, 503)
  t.equal(shed.headers['retry-after'], '30')
  probe.load = { eventLoopDelayMs: 0, heapUsedBytes: 400_000_000 }
  t.equal((await app.inject({ method: 'GET', url: '/scim/v2/Users', headers })).statusCode, 200)
  const metrics = (await app.inject({ method: 'GET', url: '/metrics' })).body
  t.match(metrics, /^scim_bridge_overload_rejected_total\{reason="heap"\} 1$/m)
  t.match(metrics, /^scim_bridge_overloaded\{reason="heap"\} 0$/m)
})

t.test('below the thresholds, or with the checks off, nothing is shed', async (t) => {
  const calm = fixedProbe({ eventLoopDelayMs: 999, heapUsedBytes: 10 ** 12 })
  const first = await buildTestApp(t, { env: shedding, deps: { overloadProbe: calm } })
  t.equal((await first.app.inject({ method: 'GET', url: '/scim/v2/Users', headers: first.headers })).statusCode, 200, 'heap check off by default')

  const lagging = fixedProbe({ eventLoopDelayMs: 60_000, heapUsedBytes: 0 })
  const off = await buildTestApp(t, { env: { OVERLOAD_MAX_EVENT_LOOP_DELAY_MS: '0' }, deps: { overloadProbe: lagging } })
  t.equal((await off.app.inject({ method: 'GET', url: '/scim/v2/Users', headers: off.headers })).statusCode, 200, 'delay check turned off')
  const metrics = (await off.app.inject({ method: 'GET', url: '/metrics' })).body
  t.notMatch(metrics, 'scim_bridge_overloaded', 'no guard, no guard gauges')
})

t.test('the probe is stopped when the app closes', async (t) => {
  const probe = fixedProbe({ eventLoopDelayMs: 0, heapUsedBytes: 0 })
  const { app } = await buildTestApp(t, { env: shedding, deps: { overloadProbe: probe } })
  t.equal(probe.stopped, false)
  await app.close()
  t.equal(probe.stopped, true)
})

t.test('overloadReason: event loop first, then heap; 0 means off', async (t) => {
  const limits = { maxEventLoopDelayMs: 100, maxHeapBytes: 1000 }
  t.equal(overloadReason({ eventLoopDelayMs: 100, heapUsedBytes: 1000 }, limits), null, 'at the limit is fine')
  t.equal(overloadReason({ eventLoopDelayMs: 101, heapUsedBytes: 2000 }, limits), 'event_loop_delay')
  t.equal(overloadReason({ eventLoopDelayMs: 0, heapUsedBytes: 1001 }, limits), 'heap')
  t.equal(overloadReason({ eventLoopDelayMs: 10 ** 9, heapUsedBytes: 10 ** 12 }, { maxEventLoopDelayMs: 0, maxHeapBytes: 0 }), null)
})

t.test('the process probe reports real readings', async (t) => {
  const probe = createProcessProbe(60_000)
  t.teardown(() => probe.stop())
  t.same(probe.current(), { eventLoopDelayMs: 0, heapUsedBytes: 0 }, 'nothing before the first sample')
  probe.refresh()
  const load = probe.current()
  t.ok(load.heapUsedBytes > 0, 'heap in use is measured')
  t.ok(Number.isFinite(load.eventLoopDelayMs) && load.eventLoopDelayMs >= 0, 'delay is a finite, non-negative number')
})
