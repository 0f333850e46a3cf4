import type { FastifyInstance } from 'fastify'
import type { Kysely } from 'kysely'
import { z } from 'zod'
import type { DB } from '../db/schema.js'
import { pageAudit } from '../provisioning/records/audit-repository.js'
import type { AuditEventRow } from '../provisioning/records/tables.js'
import { page, pageQuery } from './paging.js'
import type { ZodTypeProvider } from './zod-type-provider.js'

export const OUTCOMES = ['applied', 'adopted', 'skipped', 'failed', 'refused', 'dry_run', 'held', 'retrying', 'manual'] as const
export const auditQuery = pageQuery.extend({
  user_id: z.string().uuid().optional(),
  action: z.string().trim().min(1).max(100).optional(),
  outcome: z.enum(OUTCOMES).optional(),
  since: z.coerce.date().optional(),
  until: z.coerce.date().optional()
}).strict()

export const auditView = (e: AuditEventRow) => ({
  id: Number(e.id),
  at: e.at,
  actor: e.actor,
  user_id: e.user_id,
  email: e.email,
  action: e.action,
  reason: e.reason,
  outcome: e.outcome,
  detail: e.detail,
  meta_trace_id: e.meta_trace_id,
  error_code: e.error_code,
  message: e.message
})

export type AuditPageQuery = z.infer<typeof auditQuery>

/** One page of a tenant's audit log, newest first (the admin API and the console). */
export async function listAuditPage (
  db: Kysely<DB>, tenantId: string, q: AuditPageQuery
): Promise<{ rows: AuditEventRow[], total: number }> {
  const filter = { userId: q.user_id, action: q.action, outcome: q.outcome, since: q.since, until: q.until }
  return await pageAudit(db, tenantId, filter, q.limit, q.offset)
}

/** The tenant's audit log: newest first, filtered by person, action, outcome, time. */
export async function auditRoutes (app: FastifyInstance, opts: { db: Kysely<DB> }): Promise<void> {
  const { db } = opts

  app.withTypeProvider<ZodTypeProvider>().get('/audit', { schema: { querystring: auditQuery } }, async (request) => {
    const q = request.query
    const { rows, total } = await listAuditPage(db, request.adminTenant.id, q)
    return page(rows.map(auditView), total, q)
  })
}
