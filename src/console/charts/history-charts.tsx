import type { Kysely } from 'kysely'
import type { DB } from '../../db/schema.js'
import { queueDepthSeries, rateLimitSeries } from '../../charts/series.js'
import { bucketStarts } from './bar-chart.js'
import { LineChart, type Band } from './line-chart.js'

// The two charts drawn from the sampled history (src/charts/history-sampler.ts): the queue's
// depth and oldest job age, and the rate-limit buckets' usage with their pauses.

const minuteLabel = (d: Date) => d.toISOString().slice(5, 16).replace('T', ' ')

export interface Window { since: Date, until: Date, bucketSeconds: number }

/** The queue chart, its data read first (the page renders synchronously). */
export async function queueHistoryChart (props: { db: Kysely<DB>, tenantId: string, window: Window }) {
  const { since, until, bucketSeconds } = props.window
  const buckets = bucketStarts(since, until, bucketSeconds)
  const points = new Map((await queueDepthSeries(props.db, props.tenantId, { since, until }, bucketSeconds))
    .map((p) => [p.at.getTime(), p]))
  const depth = buckets.map((b) => points.get(b.getTime())?.depth_max ?? null)
  const age = buckets.map((b) => {
    const p = points.get(b.getTime())
    if (p === undefined) return null
    return p.oldest_job_age_seconds_max === null ? 0 : Math.round(p.oldest_job_age_seconds_max / 6) / 10
  })
  const hours = Math.round((until.getTime() - since.getTime()) / 3_600_000)
  return (
    <LineChart
      id='queue-history' title={`Reconcile queue, last ${hours} hours`}
      valueLabel={`highest depth (jobs) and oldest job age (minutes) per ${bucketSeconds / 60} minutes`}
      description={`Two lines per ${bucketSeconds / 60} minutes: the highest number of queued, retrying and running jobs ` +
        '(solid line, left axis) and the age of the oldest unfinished job in minutes (dashed line, right axis). ' +
        'Gaps are times without samples.'}
      labels={buckets.map(minuteLabel)}
      leftUnit='jobs' rightUnit='minutes'
      series={[{ name: 'queue depth', values: depth }, { name: 'oldest job age', values: age, axis: 'right' }]}
    />
  )
}

/** The rate-limit chart, its data read first. */
export async function rateLimitHistoryChart (props: { db: Kysely<DB>, tenantId: string, window: Window }) {
  const { since, until, bucketSeconds } = props.window
  const buckets = bucketStarts(since, until, bucketSeconds)
  const first = buckets[0]?.getTime() ?? since.getTime()
  const ms = bucketSeconds * 1000
  const index = new Map(buckets.map((b, i) => [b.getTime(), i]))
  const { points, pauses } = await rateLimitSeries(props.db, props.tenantId, { since, until }, bucketSeconds)
  const names = [...new Set(points.map((p) => p.bucket))].sort()
  const series = names.map((name) => ({ name, values: buckets.map((): number | null => null) }))
  const paused = buckets.map((): string[] => [])
  for (const p of points) {
    const i = index.get(p.at.getTime())
    const s = series.find((x) => x.name === p.bucket)
    if (i === undefined || s === undefined) continue
    s.values[i] = p.usage_percent_max
    if (p.paused_samples > 0) paused[i]?.push(p.bucket)
  }
  const bands: Band[] = pauses.map((p) => ({
    from: (p.since.getTime() - first) / ms,
    to: (p.until.getTime() - first) / ms,
    label: `${p.bucket} paused from ${minuteLabel(p.since)} to ${minuteLabel(p.until)}`
  }))
  const hours = Math.round((until.getTime() - since.getTime()) / 3_600_000)
  return (
    <LineChart
      id='rate-limits' title={`Meta rate-limit buckets, last ${hours} hours`}
      valueLabel={`highest usage (%) per ${bucketSeconds / 60} minutes by bucket, and the buckets paused`}
      description={'One line per rate-limit bucket the calls of this tenant run under, the highest usage Meta reported ' +
        `per ${bucketSeconds / 60} minutes (0 to 100 %); each line has its own dash pattern and marker. ` +
        'Hatched bands are the times a bucket was paused and no call was sent in it; the table names them. ' +
        (names.length === 0 ? 'No bucket was sampled in this time.' : `Buckets: ${names.join(', ')}.`)}
      labels={buckets.map(minuteLabel)}
      leftUnit='% used' leftMax={100}
      series={series}
      bands={bands} bandName='bucket paused'
      note={{ heading: 'Paused', values: paused.map((p) => p.length === 0 ? '' : `paused: ${p.join(', ')}`) }}
    />
  )
}
