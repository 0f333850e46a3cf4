/**
 * `npx tsx bench/chart-history-cost.ts [users] [--tenants=10] [--live=0.05] [--engine=pglite|pg]`: what
 * one round of the chart history's sampler costs with one reconcile job per user in the queue,
 * the share `live` of them unfinished and the rest finished (pg-boss keeps those for its
 * retention), and what a day of the queue series costs to read. Wall time per round, median of 20 rounds on an injected clock; the plan of the live-jobs
 * read. See docs/operations.md §11.
 */
import { randomUUID } from 'node:crypto'
import { sql } from 'kysely'
import { openDatabase } from '../src/db/database.js'
import { migrateToLatest } from '../src/db/migrate.js'
import { createBoss, ReconcileQueue, RECONCILE_QUEUE } from '../src/provisioning/jobs/queue.js'
import { HistorySampler } from '../src/charts/history-sampler.js'
import { queueDepthSeries } from '../src/charts/series.js'
import { insertTenant } from '../src/tenants/tenants-repository.js'
import { createLocation } from './lib/dataset.js'

const flags = new Map(process.argv.slice(2).filter((a) => a.startsWith('--')).map((a) => {
  const [k = '', v = ''] = a.slice(2).split('=', 2)
  return [k, v]
}))
const users = Number(process.argv.slice(2).find((a) => !a.startsWith('--')) ?? 100_000)
const tenantCount = Number(flags.get('tenants') ?? 10)
const live = Number(flags.get('live') ?? 0.05)
const engine = flags.get('engine') === 'pg' ? 'postgres' : 'pglite'
const location = await createLocation(engine, process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test')
const handle = await openDatabase({ dataDir: location.dataDir, databaseUrl: location.databaseUrl })
await migrateToLatest(handle.db)
const boss = createBoss({ pool: handle.pool, engine: handle.engine, supervise: false })
await boss.start()
const queue = await ReconcileQueue.open(boss)
const tenants: string[] = []
for (let i = 0; i < tenantCount; i++) tenants.push((await insertTenant(handle.db, `bench-${i}`)).id)
const perTenant = Math.ceil(users / tenantCount)
for (const tenantId of tenants) {
  await queue.enqueueUsers(handle.db, tenantId, Array.from({ length: perTenant }, () => randomUUID()), 'bench')
}
// Finished jobs: pg-boss keeps them for its retention, and a round must not read them.
const finished = Math.floor(users * (1 - live))
await sql`update pgboss.job set state = 'completed', completed_on = now()
  where name = ${RECONCILE_QUEUE} and id in (select id from pgboss.job where name = ${RECONCILE_QUEUE} order by id limit ${finished})`
  .execute(handle.db)
await sql`analyze`.execute(handle.db)

const plan = await sql<{ 'QUERY PLAN': string }>`explain select data->>'tenantId', count(*) from pgboss.job
  where name = ${RECONCILE_QUEUE} and state in ('created', 'retry', 'active') group by 1`.execute(handle.db)
console.log(plan.rows.map((r) => r['QUERY PLAN']).join('\n'))

const clock = { now: new Date('2026-06-01T10:00:30Z') }
const sampler = new HistorySampler({ db: handle.db, settings: { intervalSeconds: 60, retentionDays: 14 }, now: () => clock.now })
const times: number[] = []
for (let i = 0; i < 20; i++) {
  const start = performance.now()
  const result = await sampler.sample()
  times.push(performance.now() - start)
  if (result?.took !== true) throw new Error(`round ${i}: ${JSON.stringify(result)}`)
  clock.now = new Date(clock.now.getTime() + 60_000)
}
times.sort((a, b) => a - b)
// A day of rounds for the series read.
await sql`insert into chart_sample_rounds (at, taken_by)
  select g, 'bench' from generate_series(timestamptz '2026-05-31T10:00:00Z', timestamptz '2026-06-01T09:59:00Z', interval '1 minute') g
  on conflict do nothing`.execute(handle.db)
await sql`insert into queue_samples (tenant_id, at, depth, oldest_age_seconds)
  select t, r.at, 5, 60 from chart_sample_rounds r cross join unnest(${tenants}::uuid[]) t on conflict do nothing`.execute(handle.db)
const readStart = performance.now()
const points = await queueDepthSeries(handle.db, tenants[0] ?? '', { since: new Date('2026-05-31T10:00:00Z'), until: new Date('2026-06-01T10:00:00Z') }, 300)
const readMs = performance.now() - readStart
console.log(JSON.stringify({
  engine,
  users,
  tenants: tenantCount,
  unfinishedJobs: perTenant * tenantCount - finished,
  roundMs: { min: Number(times[0]?.toFixed(1)), median: Number(times[10]?.toFixed(1)), max: Number(times[19]?.toFixed(1)) },
  daySeries: { points: points.length, ms: Number(readMs.toFixed(1)) }
}))
await boss.stop({ graceful: false, close: false })
await handle.close()
await location.dispose()
