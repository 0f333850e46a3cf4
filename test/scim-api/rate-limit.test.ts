import t from 'tap'
import { buildTestApp } from '../helpers/app.js'

const ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error'

function clock (start = 1_000_000): { now: () => number, advance: (ms: number) => void } {
  let at = start
  return { now: () => at, advance: (ms) => { at += ms } }
}

t.test('a tenant over its limit gets 429 with Retry-After and a SCIM error body', async (t) => {
  const time = clock()
  const { app, headers } = await buildTestApp(t, {
    env: { SCIM_RATE_LIMIT_PER_MINUTE: '6', SCIM_RATE_LIMIT_BURST: '3' },
    deps: { now: time.now }
  })
  for (let i = 0; i < 3; i++) {
    t.equal((await app.inject({ method: 'GET', url: '/scim/v2/Users', headers })).statusCode, 200, `request ${i + 1} within the burst`)
  }
  const limited = await app.inject({ method: 'GET', url: '/scim/v2/Users', headers })
  t.equal(limited.statusCode, 429)
  // 6 per minute = one token every 10 s.
  t.equal(limited.headers['retry-after'], '10')
  t.match(limited.headers['content-type'], /^application\/scim\+json/)
  t.same(Object.keys(limited.json()).sort(), ['detail', 'schemas', 'status'])
  t.match(limited.json(), { schemas: [ERROR_SCHEMA], status: '429' })

  const metrics = await app.inject({ method: 'GET', url: '/metrics' })
  t.match(metrics.body, /^scim_bridge_scim_rate_limited_total 1$/m)

  time.advance(10_000)
  t.equal((await app.inject({ method: 'GET', url: '/scim/v2/Users', headers })).statusCode, 200, 'one token back after Retry-After')
  t.equal((await app.inject({ method: 'GET', url: '/scim/v2/Users', headers })).statusCode, 429, 'and only one')
})

t.test('one tenant\'s burst does not limit another tenant', async (t) => {
  const time = clock()
  const { app, headers, addTenant } = await buildTestApp(t, {
    env: { SCIM_RATE_LIMIT_PER_MINUTE: '60', SCIM_RATE_LIMIT_BURST: '2' },
    deps: { now: time.now }
  })
  const other = await addTenant('other')
  await app.inject({ method: 'GET', url: '/scim/v2/Users', headers })
  await app.inject({ method: 'GET', url: '/scim/v2/Users', headers })
  t.equal((await app.inject({ method: 'GET', url: '/scim/v2/Users', headers })).statusCode, 429, 'first tenant limited')
  t.equal((await app.inject({ method: 'GET', url: '/scim/v2/Users', headers: other.headers })).statusCode, 200, 'second tenant unaffected')
  t.equal((await app.inject({ method: 'GET', url: '/scim/v2/Groups', headers: other.headers })).statusCode, 200)
  t.equal((await app.inject({ method: 'GET', url: '/scim/v2/Users', headers: other.headers })).statusCode, 429, 'second tenant has its own budget')
})

t.test('health, readiness, metrics and unauthenticated requests are not limited', async (t) => {
  const time = clock()
  const { app, headers } = await buildTestApp(t, {
    env: { SCIM_RATE_LIMIT_PER_MINUTE: '1', SCIM_RATE_LIMIT_BURST: '1' },
    deps: { now: time.now }
  })
  t.equal((await app.inject({ method: 'GET', url: '/scim/v2/Users', headers })).statusCode, 200)
  t.equal((await app.inject({ method: 'GET', url: '/scim/v2/Users', headers })).statusCode, 429)
  for (const url of ['/healthz', '/readyz', '/metrics']) {
    t.equal((await app.inject({ method: 'GET', url })).statusCode, 200, url)
  }
  const anonymous = await app.inject({ method: 'GET', url: '/scim/v2/Users' })
  t.equal(anonymous.statusCode, 401, 'auth answers first; no tenant, no bucket')
})

t.test('the limit is off by default', async (t) => {
  const { app, headers } = await buildTestApp(t)
  const statuses = new Set<number>()
  for (let i = 0; i < 30; i++) statuses.add((await app.inject({ method: 'GET', url: '/scim/v2/Users', headers })).statusCode)
  t.same([...statuses], [200])
})
