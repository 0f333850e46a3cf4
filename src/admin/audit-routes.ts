import type { FastifyInstance } from 'fastify'
import { sql, type Kysely } from 'kysely'
import { z } from 'zod'
import type { DB } from '../db/schema.js'
import type { AuditEventRow } from '../provisioning/records/tables.js'
import { parseInput } from './admin-errors.js'
import { page, pageQuery } from './paging.js'
import { requireTenant } from './tenant-routes.js'

const OUTCOMES = ['applied', 'adopted', 'skipped', 'failed', 'refused', 'dry_run', 'held', 'retrying', 'manual'] as const
const auditQuery = pageQuery.extend({
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

/** The tenant's audit log: newest first, filtered by person, action, outcome, time. */
export async function auditRoutes (app: FastifyInstance, opts: { db: Kysely<DB> }): Promise<void> {
  const { db } = opts

  app.get('/tenants/:tenantId/audit', async (request) => {
    const tenant = await requireTenant(db, request.params)
    const q = parseInput(auditQuery, request.query, 'query')
    let base = db.selectFrom('audit_events').where('tenant_id', '=', tenant.id)
    if (q.user_id !== undefined) base = base.where('user_id', '=', q.user_id)
    if (q.action !== undefined) base = base.where('action', '=', q.action)
    if (q.outcome !== undefined) base = base.where('outcome', '=', q.outcome)
    // `since` inclusive, `until` exclusive.
    if (q.since !== undefined) base = base.where('at', '>=', q.since)
    if (q.until !== undefined) base = base.where('at', '<', q.until)
    const count = await base.select((eb) => eb.fn.countAll<string | number>().as('n')).executeTakeFirstOrThrow()
    const rows = await base.selectAll().orderBy(sql`at desc`).orderBy('id', 'desc').limit(q.limit).offset(q.offset).execute()
    return page(rows.map(auditView), Number(count.n), q)
  })
}
