import type { FastifyInstance } from 'fastify'
import type { Kysely } from 'kysely'
import { z } from 'zod'
import type { DB } from '../db/schema.js'
import { getPersonTrace, listPersonTraces } from '../provisioning/person-traces.js'
import { AdminError, notFound, parseInput } from './admin-errors.js'
import { requireProvisioning, type AdminProvisioning } from './provisioning-deps.js'
import { requireTenant } from './tenant-routes.js'

const rowId = z.string().regex(/^\d{1,18}$/, 'must be a trace id')
const personParams = z.object({ tenantId: z.string().uuid(), userId: z.string().uuid() })
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

  app.get('/tenants/:tenantId/people/:userId/traces', async (request) => {
    const params = parseInput(personParams, request.params, 'path')
    const tenant = await requireTenant(db, { tenantId: params.tenantId })
    const query = parseInput(tracesQuery, request.query, 'query')
    const page = await listPersonTraces(db, tenant.id, params.userId, query)
    if (page === undefined) throw notFound('user')
    return page.nextCursor === null ? { items: page.items } : { items: page.items, next_cursor: page.nextCursor }
  })

  app.get('/tenants/:tenantId/people/:userId/traces/:traceId', async (request) => {
    const params = parseInput(traceParams, request.params, 'path')
    const tenant = await requireTenant(db, { tenantId: params.tenantId })
    const trace = await getPersonTrace(db, tenant.id, params.userId, params.traceId)
    if (trace === undefined) throw notFound('trace')
    return trace
  })

  app.post('/tenants/:tenantId/people/:userId/reconcile', async (request) => {
    const params = parseInput(personParams, request.params, 'path')
    const tenant = await requireTenant(db, { tenantId: params.tenantId })
    const query = parseInput(reconcileQuery, request.query, 'query')
    const body = parseInput(reconcileBody, request.body, 'body')
    const { reconcileNow } = requireProvisioning(opts.provisioning)
    const result = await reconcileNow(tenant.id, params.userId, { dryRun: query.dryRun ?? body.dry_run ?? false })
    if (result.kind === 'unknown_person') throw notFound('user')
    if (result.kind === 'busy') {
      throw new AdminError(409, 'reconcile_in_progress', `${result.message}; try again shortly`)
    }
    const { outcome, trace } = result
    return { outcome: outcome.kind, ...(outcome.kind === 'done' ? {} : { message: outcome.message }), trace }
  })
}
