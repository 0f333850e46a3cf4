import type { FastifyInstance } from 'fastify'
import type { Kysely } from 'kysely'
import { z } from 'zod'
import type { DB } from '../db/schema.js'
import { AdminError } from '../admin/admin-errors.js'
import type { ZodTypeProvider } from '../admin/zod-type-provider.js'
import { actionSeries } from '../provisioning/records/audit-repository.js'
import { scimRequestSeries } from '../request-log/scim-requests-repository.js'
import { invitationFunnel, queueDepthSeries, rateLimitSeries, type Range } from './series.js'

const DAY = 86_400_000
/** The most buckets one series may have: what a chart can show and the embedded database can group fast. */
const MAX_BUCKETS = 2_016

const rangeQuery = (defaultBucketSeconds: number, defaultDays: number) => z.object({
  since: z.coerce.date().optional(),
  until: z.coerce.date().optional(),
  bucket_seconds: z.coerce.number().int().min(60).max(86_400).default(defaultBucketSeconds)
}).strict().transform((q) => ({ ...q, defaultDays }))

interface RangeInput { since?: Date | undefined, until?: Date | undefined, bucket_seconds: number, defaultDays: number }

function rangeOf (q: RangeInput, now: Date): Range {
  const until = q.until ?? now
  const since = q.since ?? new Date(until.getTime() - q.defaultDays * DAY)
  if (since >= until) throw new AdminError(400, 'invalid_request', 'since must be before until')
  if ((until.getTime() - since.getTime()) / 1000 / q.bucket_seconds > MAX_BUCKETS) {
    const why = `at most ${MAX_BUCKETS} buckets: widen bucket_seconds or narrow the range`
    throw new AdminError(400, 'invalid_request', why)
  }
  return { since, until }
}

/**
 * Time series for the console's charts (docs/operations.md §11): actions per hour by type and
 * outcome, SCIM requests per 5 minutes by IdP and status class, the invitation funnel, and from
 * the sampled history the queue's depth and oldest job age and the rate-limit buckets' usage.
 */
export async function chartRoutes (app: FastifyInstance, opts: { db: Kysely<DB>, now?: () => Date }): Promise<void> {
  const now = opts.now ?? (() => new Date())
  const admin = app.withTypeProvider<ZodTypeProvider>()
  // A bucketed series: its range, its bucket size and what the repository answers for them.
  const bucketed = (
    path: string, defaultBucketSeconds: number, defaultDays: number,
    read: (tenantId: string, range: Range, bucketSeconds: number) => Promise<object>
  ): void => {
    admin.get(path, { schema: { querystring: rangeQuery(defaultBucketSeconds, defaultDays) } }, async (request) => {
      const q = request.query
      const range = rangeOf(q, now())
      const series = await read(request.adminTenant.id, range, q.bucket_seconds)
      return { ...range, bucket_seconds: q.bucket_seconds, ...series }
    })
  }
  bucketed('/charts/actions', 3600, 7, async (tenantId, range, bucket) =>
    ({ points: await actionSeries(opts.db, tenantId, range, bucket) }))
  bucketed('/charts/scim-requests', 300, 1, async (tenantId, range, bucket) =>
    ({ points: await scimRequestSeries(opts.db, tenantId, range, bucket) }))
  admin.get('/charts/invitations', { schema: { querystring: rangeQuery(86_400, 30) } }, async (request) => {
    const q = request.query
    const range = rangeOf(q, now())
    return { ...range, ...await invitationFunnel(opts.db, request.adminTenant.id, range, now()) }
  })
  bucketed('/charts/queue', 300, 1, async (tenantId, range, bucket) =>
    ({ points: await queueDepthSeries(opts.db, tenantId, range, bucket) }))
  bucketed('/charts/rate-limits', 300, 1, async (tenantId, range, bucket) =>
    await rateLimitSeries(opts.db, tenantId, range, bucket))
}
