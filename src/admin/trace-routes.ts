import type { FastifyInstance } from 'fastify'
import type { Kysely } from 'kysely'
import { z } from 'zod'
import type { DB } from '../db/schema.js'
import { getPersonTrace, listPersonTraces } from '../provisioning/person-traces.js'
import { AdminError, notFound } from './admin-errors.js'
import { requireProvisioning, type AdminProvisioning } from './provisioning-deps.js'
import { tenantParams } from './tenant-scope.js'
import type { ZodTypeProvider } from './zod-type-provider.js'

const rowId = z.string().regex(/^\d{1,18}$/, 'must be a trace id')
const personParams = tenantParams.extend({ userId: z.string().uuid() })
const traceParams = personParams.extend({ traceId: rowId })
const tracesQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: rowId.optional()
}).strict()
const flag = z.enum(['true', 'false']).transform((v) => v === 'true')
const reconcileQuery = z.object({ dryRun: flag.optional() }).strict()
const reconcileBody = z.object({ dry_run: z.boolean().optional() }).strict()

/**
 * A person's reconcile traces and "reconcile now" (docs/provisioning.md): the services live in
 * src/provisioning/person-traces.ts; these routes parse, call and shape the answer.
 */
export async function traceRoutes (
  app: FastifyInstance, opts: { db: Kysely<DB>, provisioning?: AdminProvisioning | undefined }
): Promise<void> {
  const { db } = opts
  const admin = app.withTypeProvider<ZodTypeProvider>()

  admin.get('/people/:userId/traces', { schema: { params: personParams, querystring: tracesQuery } }, async (request) => {
    const page = await listPersonTraces(db, request.adminTenant.id, request.params.userId, request.query)
    if (page === undefined) throw notFound('user')
    return page.nextCursor === null ? { items: page.items } : { items: page.items, next_cursor: page.nextCursor }
  })

  admin.get('/people/:userId/traces/:traceId', { schema: { params: traceParams } }, async (request) => {
    const { userId, traceId } = request.params
    const trace = await getPersonTrace(db, request.adminTenant.id, userId, traceId)
    if (trace === undefined) throw notFound('trace')
    return trace
  })

  admin.post('/people/:userId/reconcile', {
    schema: { params: personParams, querystring: reconcileQuery, body: reconcileBody.optional() }
  }, async (request) => {
    const { reconcileNow } = requireProvisioning(opts.provisioning)
    const dryRun = request.query.dryRun ?? request.body?.dry_run ?? false
    const result = await reconcileNow(request.adminTenant.id, request.params.userId, { dryRun })
    if (result.kind === 'unknown_person') throw notFound('user')
    if (result.kind === 'busy') {
      throw new AdminError(409, 'reconcile_in_progress', `${result.message}; try again shortly`)
    }
    const { outcome, trace } = result
    return { outcome: outcome.kind, ...(outcome.kind === 'done' ? {} : { message: outcome.message }), trace }
  })
}
