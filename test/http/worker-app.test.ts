import t, { type Test } from 'tap'
import pino from 'pino'
import { buildWorkerApp } from '../../src/app.js'
import { createMetrics } from '../../src/metrics/registry.js'
import { testConfig } from '../helpers/app.js'
import { createTestDatabase } from '../helpers/database.js'

// A ROLE=worker process serves health and metrics only (src/main.ts): probes and Prometheus
// reach it, identity providers and admins do not.

const METRICS_TOKEN = 'metrics-token-of-twenty-plus-chars'

async function workerApp (t: Test, env: Record<string, string> = {}) {
  const database = await createTestDatabase(t)
  const metrics = createMetrics({ defaultMetrics: false })
  const app = await buildWorkerApp({ config: testConfig({ ROLE: 'worker', ...env }), db: database.db, logger: pino({ level: 'silent' }), metrics, pool: database.pool })
  t.teardown(() => app.close())
  return { app, metrics }
}

t.test('only /healthz, /readyz and /metrics are registered', async (t) => {
  const { app } = await workerApp(t)
  const routes = app.registeredRoutes.filter((r) => r.method !== 'HEAD').map((r) => `${r.method} ${r.url}`).sort()
  t.same(routes, ['GET /healthz', 'GET /metrics', 'GET /readyz'])
  t.equal((await app.inject({ method: 'GET', url: '/healthz' })).statusCode, 200)
  t.equal((await app.inject({ method: 'GET', url: '/readyz' })).statusCode, 200, 'migrated database: ready')
  for (const url of ['/scim/v2/Users', '/scim/v2/ServiceProviderConfig', '/admin/v1/tenants', '/openapi.yaml']) {
    t.equal((await app.inject({ method: 'GET', url })).statusCode, 404, `${url} is not served`)
  }
})

t.test('/metrics shows what the worker reports, and its own requests', async (t) => {
  const { app, metrics } = await workerApp(t)
  metrics.recordJob({ queue: 'reconcile-user', outcome: 'completed', durationSeconds: 0.5 })
  await app.inject({ method: 'GET', url: '/readyz' })
  const res = await app.inject({ method: 'GET', url: '/metrics' })
  t.equal(res.statusCode, 200)
  t.match(res.body, /^scim_bridge_jobs_total\{queue="reconcile-user",outcome="completed"\} 1$/m)
  t.match(res.body, /^scim_bridge_http_requests_total\{method="GET",route="\/readyz",status="200"\} 1$/m)
  t.match(res.body, /^scim_bridge_db_pool_connections\{state="idle"\} \d+$/m, 'the pool is read at scrape time')
})

t.test('METRICS_TOKEN guards /metrics on a worker too', async (t) => {
  const { app } = await workerApp(t, { METRICS_TOKEN })
  t.equal((await app.inject({ method: 'GET', url: '/metrics' })).statusCode, 401)
  t.equal((await app.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).statusCode, 200)
  t.equal((await app.inject({ method: 'GET', url: '/healthz' })).statusCode, 200, 'health needs no token')
})
