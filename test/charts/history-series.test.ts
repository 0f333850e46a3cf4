import t from 'tap'
import type { FastifyInstance } from 'fastify'
import { claimRound, insertQueueSamples, upsertRateLimitSamples } from '../../src/charts/history-repository.js'
import { mergePauses } from '../../src/charts/series.js'
import { ADMIN_TOKEN, adminClient } from '../helpers/admin.js'
import { buildTestApp } from '../helpers/app.js'

// The history series over the admin API and on the console's charts page, from seeded samples:
// bounded buckets, gaps without rounds, each tenant its own.

const at = (iso: string) => new Date(iso)
const CONSOLE_NOW = at('2026-06-01T12:00:00Z')

async function seed (db: Parameters<typeof claimRound>[0], tenantId: string, otherId: string): Promise<void> {
  // Rounds every minute 10:00-10:09 and 10:20-10:24; none 10:10-10:19 (the sampler was down).
  const minutes = [...Array.from({ length: 10 }, (_, i) => i), ...Array.from({ length: 5 }, (_, i) => 20 + i)]
  for (const m of minutes) {
    const when = new Date(at('2026-06-01T10:00:00Z').getTime() + m * 60_000)
    await claimRound(db, when, 'test')
    // The tenant's queue grows 10:00-10:04, is empty 10:05-10:09 and 10:20-10:24.
    if (m < 5) await insertQueueSamples(db, when, [{ tenantId, depth: m + 1, oldestSeconds: 60 * m }])
    await insertQueueSamples(db, when, [{ tenantId: otherId, depth: 100, oldestSeconds: 9000 }])
    await upsertRateLimitSamples(db, when, [
      { tenantId, bucket: 'app', usagePct: 10 + m, pausedUntil: null },
      // Business bucket paused 10:03 until 10:06:30.
      { tenantId, bucket: 'buc:42:business_management', usagePct: m >= 3 && m <= 6 ? 97 : 20, pausedUntil: m >= 3 && m <= 6 ? at('2026-06-01T10:06:30Z') : null },
      { tenantId: otherId, bucket: 'buc:77:ads_management', usagePct: 99, pausedUntil: at('2026-06-01T10:30:00Z') }
    ])
  }
}

t.test('history series: queue and rate limits per bucket, bounded, per tenant', async (t) => {
  const { app, db, tenantId, addTenant } = await buildTestApp(t, { env: { ADMIN_TOKEN }, deps: { consoleNow: () => CONSOLE_NOW } })
  const other = await addTenant('other')
  await seed(db, tenantId, other.tenantId)
  const admin = adminClient(app)
  const base = `/tenants/${tenantId}`
  const range = `since=${encodeURIComponent('2026-06-01T10:00:00Z')}&until=${encodeURIComponent('2026-06-01T10:30:00Z')}`

  const queue = await admin.get(`${base}/charts/queue?${range}&bucket_seconds=300`)
  t.equal(queue.statusCode, 200, queue.body)
  t.same(queue.json().points, [
    { at: '2026-06-01T10:00:00.000Z', rounds: 5, depth_max: 5, oldest_job_age_seconds_max: 240 },
    { at: '2026-06-01T10:05:00.000Z', rounds: 5, depth_max: 0, oldest_job_age_seconds_max: null },
    { at: '2026-06-01T10:20:00.000Z', rounds: 5, depth_max: 0, oldest_job_age_seconds_max: null }
  ], 'an empty queue in a sampled round is 0; no point where no round was taken')
  t.equal(queue.json().bucket_seconds, 300)
  const otherQueue = (await admin.get(`/tenants/${other.tenantId}/charts/queue?${range}&bucket_seconds=300`)).json()
  t.same(otherQueue.points.map((p: { depth_max: number }) => p.depth_max), [100, 100, 100], 'each tenant its own queue')

  const limits = await admin.get(`${base}/charts/rate-limits?${range}&bucket_seconds=300`)
  t.equal(limits.statusCode, 200, limits.body)
  const body = limits.json()
  t.same(body.points.filter((p: { bucket: string }) => p.bucket !== 'app'), [
    { at: '2026-06-01T10:00:00.000Z', bucket: 'buc:42:business_management', usage_percent_max: 97, samples: 5, paused_samples: 2 },
    { at: '2026-06-01T10:05:00.000Z', bucket: 'buc:42:business_management', usage_percent_max: 97, samples: 5, paused_samples: 2 },
    { at: '2026-06-01T10:20:00.000Z', bucket: 'buc:42:business_management', usage_percent_max: 20, samples: 5, paused_samples: 0 }
  ])
  t.same(body.points.filter((p: { bucket: string }) => p.bucket === 'app').map((p: { usage_percent_max: number }) => p.usage_percent_max),
    [14, 19, 34], 'the highest usage of each bucket')
  t.same(body.pauses, [{ bucket: 'buc:42:business_management', since: '2026-06-01T10:03:00.000Z', until: '2026-06-01T10:06:30.000Z' }])
  const otherLimits = (await admin.get(`/tenants/${other.tenantId}/charts/rate-limits?${range}`)).json()
  t.same([...new Set(otherLimits.points.map((p: { bucket: string }) => p.bucket))], ['buc:77:ads_management'], 'each tenant its own buckets')
  t.same(otherLimits.pauses.map((p: { bucket: string }) => p.bucket), ['buc:77:ads_management'])

  const narrow = (await admin.get(`${base}/charts/queue?since=2026-06-01T10:02:00Z&until=2026-06-01T10:04:00Z&bucket_seconds=60`)).json()
  t.same(narrow.points.map((p: { at: string }) => p.at), ['2026-06-01T10:02:00.000Z', '2026-06-01T10:03:00.000Z'], 'since inclusive, until exclusive')

  t.equal((await admin.get(`${base}/charts/queue?since=2026-01-01T00:00:00Z&until=2026-06-01T00:00:00Z&bucket_seconds=60`)).statusCode, 400,
    'too many buckets')
  t.equal((await admin.get(`${base}/charts/rate-limits?bucket_seconds=10`)).statusCode, 400, 'buckets under a minute')
  t.equal((await admin.get(`${base}/charts/rate-limits?since=2026-06-02T00:00:00Z&until=2026-06-01T00:00:00Z`)).statusCode, 400)
  t.equal((await admin.get(`${base}/charts/queue?since=yesterday`)).statusCode, 400)
  t.equal((await admin.get('/tenants/00000000-0000-4000-8000-000000000000/charts/queue')).statusCode, 404)
  t.equal((await admin.get('/tenants/00000000-0000-4000-8000-000000000000/charts/rate-limits')).statusCode, 404)
  t.equal((await app.inject({ url: `/admin/v1${base}/charts/queue` })).statusCode, 401)
})

async function signIn (app: FastifyInstance): Promise<string> {
  const res = await app.inject({
    method: 'POST',
    url: '/ui/sign-in/token',
    headers: { 'content-type': 'application/x-www-form-urlencoded', host: 'console.test', origin: 'http://console.test' },
    payload: `token=${ADMIN_TOKEN}`
  })
  const secret = /__Host-smb_console=([^;]+)/.exec(String(res.headers['set-cookie']))?.[1] ?? ''
  return `__Host-smb_console=${secret}`
}

t.test('console charts page: the queue and rate-limit history with their tables and paused bands', async (t) => {
  const { app, db, tenantId, addTenant } = await buildTestApp(t, { env: { ADMIN_TOKEN }, deps: { consoleNow: () => CONSOLE_NOW } })
  const other = await addTenant('other')
  await seed(db, tenantId, other.tenantId)
  const cookie = await signIn(app)
  const page = await app.inject({ url: `/ui/tenants/${tenantId}/charts`, headers: { host: 'console.test', cookie } })
  t.equal(page.statusCode, 200, page.body.slice(0, 300))
  const html = page.body
  t.match(html, /<title id="queue-history-title">Reconcile queue, last 24 hours<\/title>/)
  t.match(html, /<desc id="queue-history-desc">Two lines per 15 minutes/)
  t.match(html, /<title id="rate-limits-title">Meta rate-limit buckets, last 24 hours<\/title>/)
  t.match(html, /Buckets: app, buc:42:business_management\./, 'the description names the buckets')
  // 15-minute rows: 10:00 holds the growing queue (depth 5, oldest 4 minutes), 10:15 the rounds of an empty queue.
  t.match(html, /<th scope="row">06-01 10:00<\/th><td class="num">5<\/td><td class="num">4<\/td>/, 'the queue table')
  t.match(html, /<th scope="row">06-01 10:15<\/th><td class="num">0<\/td><td class="num">0<\/td>/, 'an empty queue is 0')
  t.match(html, /<th scope="row">06-01 09:45<\/th><td class="num">no sample<\/td><td class="num">no sample<\/td>/,
    'no round, no number')
  t.match(html, /<th scope="row">06-01 10:00<\/th><td class="num">19<\/td><td class="num">97<\/td><td>paused: buc:42:business_management<\/td>/,
    'the rate-limit table says which bucket was paused')
  t.match(html, /<title>buc:42:business_management paused from 06-01 10:03 to 06-01 10:06<\/title>/, 'the band is labelled')
  t.match(html, /fill="url\(#rate-limits-hatch\)"/, 'the band is hatched')
  t.match(html, /hatched band: bucket paused/, 'the legend says what hatching means')
  t.match(html, /queue depth: solid line, circle markers/, 'lines are told apart in words')
  t.notMatch(html, /buc:77/, 'no bucket of another tenant')

  const otherPage = await app.inject({ url: `/ui/tenants/${other.tenantId}/charts`, headers: { host: 'console.test', cookie } })
  t.match(otherPage.body, /<th scope="row">06-01 10:00<\/th><td class="num">100<\/td><td class="num">150<\/td>/, 'the other tenant\'s own queue')
  t.notMatch(otherPage.body, /buc:42/)
})

t.test('mergePauses: an extended pause is one interval; separate buckets stay apart', async (t) => {
  const p = (bucket: string, since: string, until: string) => ({ bucket, since: at(since), until: at(until) })
  t.same(mergePauses([
    p('a', '2026-06-01T10:03:00Z', '2026-06-01T10:06:00Z'),
    p('a', '2026-06-01T10:05:00Z', '2026-06-01T10:09:00Z'),
    p('b', '2026-06-01T10:04:00Z', '2026-06-01T10:05:00Z'),
    p('a', '2026-06-01T10:20:00Z', '2026-06-01T10:21:00Z')
  ]), [
    p('a', '2026-06-01T10:03:00Z', '2026-06-01T10:09:00Z'),
    p('b', '2026-06-01T10:04:00Z', '2026-06-01T10:05:00Z'),
    p('a', '2026-06-01T10:20:00Z', '2026-06-01T10:21:00Z')
  ])
})
