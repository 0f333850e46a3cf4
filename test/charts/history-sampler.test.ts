import t from 'tap'
import type { GovernorSnapshot } from '../../src/meta/index.js'
import type { BucketSnapshot } from '../../src/meta/index.js'
import { HistorySampler } from '../../src/charts/history-sampler.js'
import { insertQueueSamples, upsertRateLimitSamples } from '../../src/charts/history-repository.js'
import { insertTenant } from '../../src/tenants/tenants-repository.js'
import { provisioningHarness } from '../provisioning/helpers/harness.js'

// The chart history's sampler against a real database and pg-boss: rounds aligned to an
// injected clock, one replica per round, each process's governor merged, pruning by age.

const bucket = (key: string, fields: Partial<BucketSnapshot>): BucketSnapshot => ({
  key,
  kind: key === 'app' ? 'app' : key.startsWith('ad_account:') ? 'ad_account' : 'buc',
  objectId: key === 'app' ? null : key.split(':')[1] ?? null,
  type: key.startsWith('buc:') ? key.split(':')[2] ?? null : null,
  state: 'open',
  usagePct: null,
  pausedUntil: null,
  pauseReason: null,
  spacingMs: 0,
  consecutiveThrottles: 0,
  waiting: 0,
  inFlight: 0,
  callsStarted: 0,
  throttleEvents: 0,
  rejected: 0,
  ...fields
})

t.test('sampler: one replica per round writes the queue, every governor adds its buckets, old samples pruned', async (t) => {
  const h = await provisioningHarness(t)
  const other = await insertTenant(h.db, 'other')
  // Three users, not drained: three unfinished reconcile jobs of the harness's tenant.
  for (const name of ['ada', 'bob', 'cy']) await h.createUser(`${name}@example.com`)

  const clock = { now: new Date('2026-06-01T10:00:30Z') }
  const now = () => clock.now
  const at = (iso: string) => new Date(iso).getTime()
  let snapshotA: GovernorSnapshot = {
    at: at('2026-06-01T10:00:30Z'),
    buckets: [
      bucket('app', { usagePct: 12 }),
      bucket(`buc:${h.businessId}:business_management`, { usagePct: 96, pausedUntil: at('2026-06-01T10:05:00Z'), state: 'paused' }),
      bucket('buc:999999:ads_management', { usagePct: 50 }),
      bucket('ad_account:777', {})
    ]
  }
  const snapshotB: GovernorSnapshot = {
    at: at('2026-06-01T10:00:30Z'),
    buckets: [bucket('app', { usagePct: 30 }), bucket(`buc:${h.businessId}:business_management`, { usagePct: 40 })]
  }
  const settings = { intervalSeconds: 60, retentionDays: 14 }
  const a = new HistorySampler({ db: h.db, settings, now, governor: () => snapshotA, instance: 'replica-a' })
  const b = new HistorySampler({ db: h.db, settings, now, governor: () => snapshotB, instance: 'replica-b' })

  const first = await a.sample()
  t.match(first, { took: true, queueRows: 1 }, 'replica a takes the round and writes one tenant\'s queue')
  t.equal(first?.at.toISOString(), '2026-06-01T10:00:00.000Z', 'the round is aligned to the interval')
  const second = await b.sample()
  t.match(second, { took: false, queueRows: 0 }, 'replica b finds the round taken')

  const queue = await h.db.selectFrom('queue_samples').selectAll().execute()
  t.equal(queue.length, 1, 'one queue row: the empty tenant has none')
  t.equal(queue[0]?.tenant_id, h.tenantId)
  t.equal(queue[0]?.depth, 3)
  t.ok(queue[0]?.oldest_age_seconds !== null && Number(queue[0]?.oldest_age_seconds) >= 0, 'the oldest job has an age')
  t.same((await h.db.selectFrom('chart_sample_rounds').selectAll().execute()).map((r) => r.taken_by), ['replica-a'])

  const limits = await h.db.selectFrom('rate_limit_samples').selectAll().orderBy('bucket').execute()
  t.same(limits.map((r) => [r.tenant_id, r.bucket, r.usage_pct, r.paused_until?.toISOString() ?? null]), [
    [h.tenantId, 'app', 30, null],
    [h.tenantId, `buc:${h.businessId}:business_management`, 96, '2026-06-01T10:05:00.000Z']
  ], 'the app bucket and the business\'s bucket, higher usage and the pause of either replica; ' +
    'no bucket of a stranger\'s object, none without usage or pause, nothing for the unconnected tenant')
  t.notOk(limits.some((r) => r.tenant_id === other.id))

  // The next minute: the pause is over in replica a's governor.
  clock.now = new Date('2026-06-01T10:01:10Z')
  snapshotA = { at: at('2026-06-01T10:01:10Z'), buckets: [bucket('app', { usagePct: 5 })] }
  t.match(await a.sample(), { took: true, pruned: 0 })
  t.equal((await h.db.selectFrom('chart_sample_rounds').select('at').execute()).length, 2)

  // Old samples: fifteen days before the next full hour, and thirteen.
  const old = new Date('2026-05-17T10:00:00Z')
  const recent = new Date('2026-05-19T10:00:00Z')
  for (const when of [old, recent]) {
    await h.db.insertInto('chart_sample_rounds').values({ at: when, taken_by: 'earlier' }).execute()
    await insertQueueSamples(h.db, when, [{ tenantId: h.tenantId, depth: 9, oldestSeconds: 60 }])
    await upsertRateLimitSamples(h.db, when, [{ tenantId: h.tenantId, bucket: 'app', usagePct: 1, pausedUntil: null }])
  }
  // 10:02 is not the first round of an hour: no prune; 11:00 is.
  clock.now = new Date('2026-06-01T10:02:00Z')
  t.match(await a.sample(), { took: true, pruned: 0 })
  clock.now = new Date('2026-06-01T11:00:05Z')
  const hourly = await a.sample()
  t.equal(hourly?.pruned, 3, 'the fifteen-day-old round, queue row and bucket row')
  const rounds = (await h.db.selectFrom('chart_sample_rounds').select('at').orderBy('at').execute()).map((r) => r.at.toISOString())
  t.equal(rounds[0], recent.toISOString(), 'thirteen days old is kept')
  t.notOk(rounds.includes(old.toISOString()))
  t.equal((await h.db.selectFrom('queue_samples').select('at').where('at', '<', recent).execute()).length, 0)
  t.equal((await h.db.selectFrom('rate_limit_samples').select('at').where('at', '=', recent).execute()).length, 1)
})

t.test('sampler: a failing round is logged and answers undefined', async (t) => {
  const h = await provisioningHarness(t)
  const warnings: string[] = []
  const sampler = new HistorySampler({
    db: h.db,
    settings: { intervalSeconds: 60, retentionDays: 14 },
    now: () => new Date('2026-06-01T10:00:00Z'),
    governor: () => { throw new Error('governor gone') },
    logger: { warn: (_o, msg) => { warnings.push(msg) }, info: () => {} }
  })
  t.equal(await sampler.sample(), undefined)
  t.same(warnings, ['chart history: sample not taken'])
})
