import type { FastifyInstance } from 'fastify'
import { sql, type Kysely } from 'kysely'
import { z } from 'zod'
import type { DB } from '../db/schema.js'
import type { AuditEventRow } from '../provisioning/tables.js'
import { parseInput } from './admin-errors.js'
import { page, pageQuery } from './paging.js'
import { requireTenant } from './tenant-routes.js'

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
export async function listAuditPage (db: Kysely<DB>, tenantId: string, q: AuditPageQuery): Promise<{ rows: AuditEventRow[], total: number }> {
  let base = db.selectFrom('audit_events').where('tenant_id', '=', tenantId)
  if (q.user_id !== undefined) base = base.where('user_id', '=', q.user_id)
  if (q.action !== undefined) base = base.where('action', '=', q.action)
  if (q.outcome !== undefined) base = base.where('outcome', '=', q.outcome)
  // `since` inclusive, `until` exclusive.
  if (q.since !== undefined) base = base.where('at', '>=', q.since)
  if (q.until !== undefined) base = base.where('at', '<', q.until)
  const count = await base.select((eb) => eb.fn.countAll<string | number>().as('n')).executeTakeFirstOrThrow()
  const rows = await base.selectAll().orderBy(sql`at desc`).orderBy('id', 'desc').limit(q.limit).offset(q.offset).execute()
  return { rows, total: Number(count.n) }
}

/** The tenant's audit log: newest first, filtered by person, action, outcome, time. */
export async function auditRoutes (app: FastifyInstance, opts: { db: Kysely<DB> }): Promise<void> {
  const { db } = opts

  app.get('/tenants/:tenantId/audit', async (request) => {
    const tenant = await requireTenant(db, request.params)
    const q = parseInput(auditQuery, request.query, 'query')
    const { rows, total } = await listAuditPage(db, tenant.id, q)
    return page(rows.map(auditView), total, q)
  })
}
