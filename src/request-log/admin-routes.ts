import type { FastifyInstance } from 'fastify'
import type { Kysely } from 'kysely'
import { z } from 'zod'
import type { DB } from '../db/schema.js'
import type { ZodTypeProvider } from '../admin/zod-type-provider.js'
import { queryRequestLog } from './scim-requests-repository.js'
import { requestLogView } from './view.js'

const rowId = z.string().regex(/^\d{1,18}$/, 'must be a row id from a previous page')
const text = z.string().trim().min(1).max(300)
const requestLogQuery = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: rowId.optional(),
  after: rowId.optional(),
  status_class: z.enum(['2xx', '3xx', '4xx', '5xx']).optional(),
  action: text.optional(),
  idp: z.enum(['okta', 'entra', 'other']).optional(),
  user: text.optional(),
  group: text.optional(),
  since: z.coerce.date().optional(),
  until: z.coerce.date().optional()
}).strict().refine((q) => q.cursor === undefined || q.after === undefined, 'cursor and after exclude each other')

/**
 * The tenant's SCIM request log: newest first with `cursor` paging, or oldest first after a
 * row id with `after` (how `logs --follow` polls). Filters combine with AND.
 */
export async function requestLogRoutes (app: FastifyInstance, opts: { db: Kysely<DB> }): Promise<void> {
  const admin = app.withTypeProvider<ZodTypeProvider>()
  admin.get('/scim-requests', { schema: { querystring: requestLogQuery } }, async (request) => {
    const q = request.query
    const rows = await queryRequestLog(opts.db, request.adminTenant.id, {
      limit: q.limit,
      before: q.cursor,
      after: q.after,
      statusClass: q.status_class,
      action: q.action,
      idp: q.idp,
      user: q.user,
      group: q.group,
      since: q.since,
      until: q.until
    })
    const items = rows.map(requestLogView)
    const last = items.at(-1)
    if (q.after !== undefined) return { items, last_id: last?.id ?? q.after }
    return items.length === q.limit && last !== undefined ? { items, next_cursor: last.id } : { items }
  })
}
