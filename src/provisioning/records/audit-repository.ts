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
  await db.insertInto('audit_events').values(list.map(auditRow)).execute()
}

/** An event as its row's columns. */
export function auditRow (e: AuditEvent) {
  return {
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
  }
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

export interface AuditFilter {
  userId?: string | undefined
  action?: string | undefined
  outcome?: AuditOutcome | undefined
  /** Inclusive. */
  since?: Date | undefined
  /** Exclusive. */
  until?: Date | undefined
}

/** One page of a tenant's audit log for the admin API, newest first, with the filtered total. */
export async function pageAudit (
  db: Executor, tenantId: string, filter: AuditFilter, limit: number, offset: number
): Promise<{ rows: AuditEventRow[], total: number }> {
  let base = db.selectFrom('audit_events').where('tenant_id', '=', tenantId)
  if (filter.userId !== undefined) base = base.where('user_id', '=', filter.userId)
  if (filter.action !== undefined) base = base.where('action', '=', filter.action)
  if (filter.outcome !== undefined) base = base.where('outcome', '=', filter.outcome)
  if (filter.since !== undefined) base = base.where('at', '>=', filter.since)
  if (filter.until !== undefined) base = base.where('at', '<', filter.until)
  const count = await base.select((eb) => eb.fn.countAll<string | number>().as('n')).executeTakeFirstOrThrow()
  const rows = await base.selectAll().orderBy(sql`at desc`).orderBy('id', 'desc').limit(limit).offset(offset).execute()
  return { rows, total: Number(count.n) }
}

/** Provisioning actions per bucket by action and outcome, for the console's charts. */
export async function actionSeries (
  db: Executor, tenantId: string, range: { since: Date, until: Date }, bucketSeconds: number
) {
  const rows = await sql<{ bucket: Date, action: string, outcome: string, n: string | number }>`
    select date_bin(make_interval(secs => ${bucketSeconds}), at, timestamptz '2000-01-01') as bucket, action, outcome,
      count(*) as n
    from audit_events where tenant_id = ${tenantId} and at >= ${range.since} and at < ${range.until}
    group by 1, 2, 3 order by 1, 2, 3`.execute(db)
  return rows.rows.map((r) => ({ at: new Date(r.bucket), action: r.action, outcome: r.outcome, count: Number(r.n) }))
}

/**
 * People invited in the range (an applied `invite` in the audit log), and how many of them are
 * members or still invited now (their meta_people state).
 */
export async function invitedInRange (db: Executor, tenantId: string, range: { since: Date, until: Date }) {
  const result = await sql<{ invited: string | number, accepted: string | number, pending: string | number }>`
    select count(*) as invited,
      count(*) filter (where p.state = 'member') as accepted,
      count(*) filter (where p.state = 'invited') as pending
    from (select distinct user_id from audit_events
          where tenant_id = ${tenantId} and action = 'invite' and outcome = 'applied'
            and at >= ${range.since} and at < ${range.until} and user_id is not null) i
    left join meta_people p on p.tenant_id = ${tenantId} and p.user_id = i.user_id`.execute(db)
  const row = result.rows[0]
  const n = (v: string | number | undefined): number => Number(v ?? 0)
  return { invited: n(row?.invited), accepted: n(row?.accepted), pending: n(row?.pending) }
}
