import t from 'tap'
import { buildTestApp } from '../helpers/app.js'

const METRICS_TOKEN = 'metrics-token-of-twenty-plus-chars'

/** The value of one exposition line, or undefined when the series is absent. */
function series (body: string, line: string): number | undefined {
  const found = body.split('\n').find((l) => l.startsWith(`${line} `))
  return found === undefined ? undefined : Number(found.slice(line.length + 1))
}

t.test('/metrics exposes HTTP, SCIM and process series after requests', async (t) => {
  const { app, headers } = await buildTestApp(t)
  const created = await app.inject({ method: 'POST', url: '/scim/v2/Users', headers, payload: { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'ada@example.com' } })
  t.equal(created.statusCode, 201)
  const id = (created.json() as { id: string }).id
  t.equal((await app.inject({ method: 'GET', url: `/scim/v2/Users/${id}`, headers })).statusCode, 200)
  t.equal((await app.inject({ method: 'GET', url: '/scim/v2/Users?filter=userName%20eq%20%22ada@example.com%22', headers })).statusCode, 200)
  t.equal((await app.inject({ method: 'GET', url: '/scim/v2/Users/no-such-user', headers })).statusCode, 404)
  t.equal((await app.inject({ method: 'GET', url: '/healthz' })).statusCode, 200)

  const res = await app.inject({ method: 'GET', url: '/metrics' })
  t.equal(res.statusCode, 200)
  t.match(res.headers['content-type'], /^text\/plain; version=0\.0\.4/)
  const body = res.body
  t.equal(series(body, 'scim_bridge_http_requests_total{method="POST",route="/scim/v2/Users",status="201"}'), 1)
  t.equal(series(body, 'scim_bridge_http_requests_total{method="GET",route="/scim/v2/Users/:id",status="200"}'), 1)
  t.equal(series(body, 'scim_bridge_http_requests_total{method="GET",route="/scim/v2/Users/:id",status="404"}'), 1)
  t.equal(series(body, 'scim_bridge_http_requests_total{method="GET",route="/scim/v2/Users",status="200"}'), 1)
  t.equal(series(body, 'scim_bridge_http_requests_total{method="GET",route="/healthz",status="200"}'), 1)
  t.equal(series(body, 'scim_bridge_http_request_duration_seconds_count{method="GET",route="/scim/v2/Users/:id",status_class="2xx"}'), 1)
  t.equal(series(body, 'scim_bridge_http_request_duration_seconds_bucket{le="+Inf",method="POST",route="/scim/v2/Users",status_class="2xx"}'), 1)
  t.equal(series(body, 'scim_bridge_scim_operations_total{resource="User",operation="create",status_class="2xx"}'), 1)
  t.equal(series(body, 'scim_bridge_scim_operations_total{resource="User",operation="get",status_class="2xx"}'), 1)
  t.equal(series(body, 'scim_bridge_scim_operations_total{resource="User",operation="get",status_class="4xx"}'), 1)
  t.equal(series(body, 'scim_bridge_scim_operations_total{resource="User",operation="list",status_class="2xx"}'), 1)
  t.match(body, /^process_cpu_user_seconds_total \d/m, 'default process metrics')
  t.match(body, /^nodejs_heap_size_used_bytes \d/m)
  // Label values come from route patterns only: no ids, no query strings, no tenants.
  t.notMatch(body, id, 'no resource id in any label')
  t.notMatch(body, 'no-such-user')
  t.notMatch(body, 'ada@example.com')
})

t.test('unmatched URLs share one label value; tenants never become labels', async (t) => {
  const { app, headers, tenantId, addTenant } = await buildTestApp(t)
  const other = await addTenant('second')
  await app.inject({ method: 'GET', url: '/scim/v2/Users', headers: other.headers })
  await app.inject({ method: 'GET', url: '/scim/v2/Users', headers })
  await app.inject({ method: 'GET', url: '/nothing/here/12345' })
  await app.inject({ method: 'GET', url: '/nothing/else/67890' })
  const body = (await app.inject({ method: 'GET', url: '/metrics' })).body
  t.equal(series(body, 'scim_bridge_http_requests_total{method="GET",route="unmatched",status="404"}'), 2)
  t.equal(series(body, 'scim_bridge_http_requests_total{method="GET",route="/scim/v2/Users",status="200"}'), 2, 'both tenants in one series')
  t.notMatch(body, '12345')
  t.notMatch(body, tenantId)
  t.notMatch(body, other.tenantId)
})

t.test('database pool gauges are read from the pool at scrape time', async (t) => {
  const pool = { totalCount: 4, idleCount: 1, waitingCount: 2, options: { max: 10 } }
  const { app } = await buildTestApp(t, { deps: { pool } })
  let body = (await app.inject({ method: 'GET', url: '/metrics' })).body
  t.equal(series(body, 'scim_bridge_db_pool_connections{state="busy"}'), 3)
  t.equal(series(body, 'scim_bridge_db_pool_connections{state="idle"}'), 1)
  t.equal(series(body, 'scim_bridge_db_pool_waiting_clients'), 2)
  t.equal(series(body, 'scim_bridge_db_pool_max_connections'), 10)
  pool.idleCount = 4
  pool.waitingCount = 0
  body = (await app.inject({ method: 'GET', url: '/metrics' })).body
  t.equal(series(body, 'scim_bridge_db_pool_connections{state="busy"}'), 0, 'a new scrape sees the new numbers')
  t.equal(series(body, 'scim_bridge_db_pool_waiting_clients'), 0)
})

t.test('without a pool there are no pool series (no gauge reads 0 and looks healthy)', async (t) => {
  const { app } = await buildTestApp(t)
  const body = (await app.inject({ method: 'GET', url: '/metrics' })).body
  t.notMatch(body, 'scim_bridge_db_pool_')
})

t.test('METRICS_TOKEN protects /metrics with a bearer token', async (t) => {
  const { app, headers } = await buildTestApp(t, { env: { METRICS_TOKEN } })
  const none = await app.inject({ method: 'GET', url: '/metrics' })
  t.equal(none.statusCode, 401)
  t.match(none.headers['www-authenticate'], /^Bearer realm="metrics"/)
  t.notMatch(none.body, 'scim_bridge_')
  const wrong = await app.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${METRICS_TOKEN}x` } })
  t.equal(wrong.statusCode, 401)
  const scim = await app.inject({ method: 'GET', url: '/metrics', headers: { authorization: headers.authorization! } })
  t.equal(scim.statusCode, 401, 'a SCIM token is not a metrics token')
  const ok = await app.inject({ method: 'GET', url: '/metrics', headers: { authorization: `bearer ${METRICS_TOKEN}` } })
  t.equal(ok.statusCode, 200)
  t.match(ok.body, /^scim_bridge_http_requests_total\{/m)
})

t.test('without METRICS_TOKEN /metrics is open', async (t) => {
  const { app } = await buildTestApp(t)
  t.equal((await app.inject({ method: 'GET', url: '/metrics' })).statusCode, 200)
})
