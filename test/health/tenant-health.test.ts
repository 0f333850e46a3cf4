import t from 'tap'
import { sql } from 'kysely'
import { classifyHealth, type HealthFacts } from '../../src/health/classify.js'
import { provisionedAdmin } from '../admin/helpers/provisioned.js'

const calm: HealthFacts = {
  now: new Date('2026-06-01T00:00:00Z'),
  activeTokens: 1,
  scim24h: { total: 100, serverErrors: 0 },
  meta: { configured: true, dryRun: false, connection: 'connected', connectionError: null, throttled: [] },
  brake: { engaged: false, held: 0 },
  queue: { depth: 0, oldestJobAgeSeconds: null, failedJobs: 0, failedPeople: 0 },
  sync: { lastStatus: 'succeeded', lastError: null }
}

t.test('classification: one status from the facts, with reasons', async (t) => {
  t.same(classifyHealth(calm), { status: 'healthy', reasons: [] })
  const cases: Array<[string, Partial<HealthFacts>, string, string]> = [
    ['no token', { activeTokens: 0 }, 'failing', 'no_scim_token'],
    ['token refused', { meta: { ...calm.meta, connection: 'disconnected', connectionError: 'code 190' } }, 'failing',
      'meta_disconnected'],
    ['throttled', { meta: { ...calm.meta, throttled: [{ key: 'app:1', pausedUntil: null, reason: null }] } }, 'degraded', 'meta_throttled'],
    ['stuck queue', { queue: { ...calm.queue, depth: 3, oldestJobAgeSeconds: 3600 } }, 'degraded', 'queue_stuck'],
    ['failed people', { queue: { ...calm.queue, failedPeople: 2 } }, 'degraded', 'provisioning_failures'],
    ['brake', { brake: { engaged: true, held: 4 } }, 'degraded', 'removals_held'],
    ['sync failed', { sync: { lastStatus: 'failed', lastError: 'boom' } }, 'degraded', 'sync_failed'],
    ['some 5xx', { scim24h: { total: 100, serverErrors: 3 } }, 'degraded', 'scim_server_errors'],
    ['mostly 5xx', { scim24h: { total: 20, serverErrors: 15 } }, 'failing', 'scim_server_errors']
  ]
  for (const [name, change, status, code] of cases) {
    const result = classifyHealth({ ...calm, ...change })
    t.equal(result.status, status, name)
    t.same(result.reasons.map((r) => r.code), [code], name)
  }
  t.equal(classifyHealth({ ...calm, queue: { ...calm.queue, oldestJobAgeSeconds: 60 } }).status, 'healthy',
    'a young queue is fine')
  t.equal(classifyHealth({ ...calm, meta: { ...calm.meta, dryRun: true, connection: 'disconnected' } }).status,
    'healthy',
    'a dry-run tenant calls nothing, so a refused token does not stop it')
})

t.test('health of a connected tenant: healthy, then degraded when the queue is stuck', async (t) => {
  const { h, app, admin, base, otherBase } = await provisionedAdmin(t)
  await h.createUser('ada@example.com')
  await h.drain()
  const healthy = await admin.get(`${base}/health`)
  t.equal(healthy.statusCode, 200, healthy.body)
  t.match(healthy.json(), {
    tenant_id: h.tenantId,
    status: 'healthy',
    reasons: [],
    scim: { active_tokens: 1, tokens: [{ label: 'test', revoked_at: null }] },
    meta: { business_id: h.businessId, connection: { status: 'connected' }, removal_brake: { engaged: false, held: 0 } },
    provisioning: { queue_depth: 0, failed_people: 0 },
    sync: { last_run: null }
  })
  t.ok(Array.isArray(healthy.json().meta.rate_limit_buckets), 'the governor buckets of this process')
  t.notOk(healthy.body.includes(h.seeded.token), 'no Meta token in the answer')

  await h.createUser('bob@example.com')
  // The job waited an hour (pg-boss's own clock is the database's: move the job, not time).
  await sql`update pgboss.job set created_on = created_on - interval '1 hour'
    where data->>'tenantId' = ${h.tenantId} and state = 'created'`.execute(h.db)
  const stuck = (await admin.get(`${base}/health`)).json()
  t.equal(stuck.status, 'degraded')
  t.same(stuck.reasons.map((r: { code: string }) => r.code), ['queue_stuck'])
  t.ok(stuck.provisioning.oldest_job_age_seconds >= 3600)
  const metrics = (await app.inject({ method: 'GET', url: '/metrics' })).body
  t.match(metrics, /scim_bridge_tenants_by_health\{status="degraded"\} 1\b/,
    'the metric counts this tenant as degraded')
  t.match(metrics, /scim_bridge_tenants_by_health\{status="failing"\} 1\b/, 'and the tenant without a token as failing')
  t.match(metrics, /scim_bridge_tenants_by_health\{status="healthy"\} 0\b/)

  const other = (await admin.get(`${otherBase}/health`)).json()
  t.equal(other.status, 'failing', 'another tenant has its own health')
  t.same(other.reasons.map((r: { code: string }) => r.code), ['no_scim_token'])
  t.equal(other.provisioning.queue_depth, 0, "the other tenant's queue holds none of these jobs")
  t.equal((await admin.get('/tenants/00000000-0000-4000-8000-000000000000/health')).statusCode, 404)
})

t.test('health turns degraded while Meta throttles the tenant', async (t) => {
  const { h, admin, base } = await provisionedAdmin(t, {
    sim: { settings: { rateLimits: { app: { budget: 3, windowMs: 3_600_000 } } } as never }
  })
  for (const name of ['ada', 'bob', 'cy', 'dan']) await h.createUser(`${name}@example.com`)
  await h.drain()
  const health = (await admin.get(`${base}/health`)).json()
  t.equal(health.status, 'degraded', JSON.stringify(health.reasons))
  t.ok(health.reasons.some((r: { code: string }) => r.code === 'meta_throttled'), 'the throttle is the reason')
  const app = health.meta.rate_limit_buckets.find((b: { kind: string }) => b.kind === 'app')
  t.match(app, { state: /paused|probing/, usage_percent: 100 })
})
