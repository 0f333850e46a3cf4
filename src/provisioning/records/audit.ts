import { sql } from 'kysely'
import type { AuditEventRow, AuditOutcome } from './tables.js'
import type { Executor } from '../../db/executor.js'

/** One audit event: who, what, why, outcome, Meta trace id (docs/architecture.md "Storage"). */
export interface AuditEvent {
  tenantId: string
  /** `provisioning` (the worker), `poll`, `sync`, `admin:<id>`… */
  actor: string
  userId?: string | null
  email?: string | null
  /** invite, change_role, assign, unassign, cancel_invite, remove, adopt, accepted, skip:… */
  action: string
  /** Why: the SCIM change that triggered it and what the desired access says. */
  reason: string
  outcome: AuditOutcome
  detail?: Record<string, unknown>
  metaTraceId?: string | null
  errorCode?: number | null
  message?: string | null
}

export async function writeAudit (db: Executor, events: AuditEvent | readonly AuditEvent[]): Promise<void> {
  const list = Array.isArray(events) ? events as readonly AuditEvent[] : [events as AuditEvent]
  if (list.length === 0) return
  await db.insertInto('audit_events').values(list.map((e) => ({
    tenant_id: e.tenantId,
    actor: e.actor,
    user_id: e.userId ?? null,
    email: e.email ?? null,
    action: e.action,
    reason: e.reason,
    outcome: e.outcome,
    detail: JSON.stringify(e.detail ?? {}),
    meta_trace_id: e.metaTraceId ?? null,
    error_code: e.errorCode ?? null,
    message: e.message ?? null
  }))).execute()
}

export interface AuditQuery {
  userId?: string
  /** Events with a smaller id than this (paging newest first). */
  beforeId?: number
  limit?: number
}

/** A tenant's audit log, newest first. */
export async function listAudit (db: Executor, tenantId: string, query: AuditQuery = {}): Promise<AuditEventRow[]> {
  let select = db.selectFrom('audit_events').selectAll().where('tenant_id', '=', tenantId)
  if (query.userId !== undefined) select = select.where('user_id', '=', query.userId)
  if (query.beforeId !== undefined) select = select.where('id', '<', query.beforeId)
  return await select.orderBy(sql`at desc`).orderBy('id', 'desc').limit(Math.min(query.limit ?? 100, 1000)).execute()
}
