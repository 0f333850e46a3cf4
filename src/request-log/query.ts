import { sql, type Kysely } from 'kysely'
import type { DB } from '../db/schema.js'
import type { ScimRequestRow } from './tables.js'

export interface RequestLogFilter {
  statusClass?: '2xx' | '3xx' | '4xx' | '5xx' | undefined
  action?: string | undefined
  idp?: string | undefined
  /** A user's id or userName (case-insensitive): requests that targeted that user. */
  user?: string | undefined
  /** A group's id or displayName (case-insensitive). */
  group?: string | undefined
  since?: Date | undefined
  until?: Date | undefined
}

export interface RequestLogPageQuery extends RequestLogFilter {
  limit: number
  /** Older than this row id (newest-first paging). */
  before?: string | undefined
  /** Newer than this row id, oldest first (following the log). */
  after?: string | undefined
}

/**
 * One page of a tenant's request log. Keyset paging on the row id (never OFFSET), so a deep
 * page costs what the first one does and rows written meanwhile neither repeat nor vanish.
 */
export async function queryRequestLog (
  db: Kysely<DB>, tenantId: string, q: RequestLogPageQuery
): Promise<ScimRequestRow[]> {
  let query = db.selectFrom('scim_requests').selectAll().where('tenant_id', '=', tenantId)
  if (q.statusClass !== undefined) {
    const low = Number(q.statusClass[0]) * 100
    query = query.where('status', '>=', low).where('status', '<', low + 100)
  }
  if (q.action !== undefined) query = query.where('action', '=', q.action)
  if (q.idp !== undefined) query = query.where('idp', '=', q.idp)
  for (const [type, value] of [['User', q.user], ['Group', q.group]] as const) {
    if (value === undefined) continue
    query = query.where('target_type', '=', type)
      .where((eb) => eb.or([eb('target_id', '=', value), eb(sql`lower(target_name)`, '=', value.toLowerCase())]))
  }
  if (q.since !== undefined) query = query.where('at', '>=', q.since)
  if (q.until !== undefined) query = query.where('at', '<', q.until)
  if (q.after !== undefined) return await query.where('id', '>', q.after).orderBy('id', 'asc').limit(q.limit).execute()
  if (q.before !== undefined) query = query.where('id', '<', q.before)
  return await query.orderBy('id', 'desc').limit(q.limit).execute()
}

export const requestLogView = (r: ScimRequestRow) => ({
  id: String(r.id),
  at: r.at,
  request_id: r.request_id,
  token: r.token_id === null ? null : { id: r.token_id, label: r.token_label },
  idp: r.idp,
  user_agent: r.user_agent,
  method: r.method,
  path: r.path,
  query: r.query,
  action: r.action,
  summary: r.summary,
  target: r.target_type === null ? null : { type: r.target_type, id: r.target_id, name: r.target_name },
  status: r.status,
  scim_type: r.scim_type,
  duration_ms: r.duration_ms,
  request_body: r.request_body,
  response_body: r.response_body
})
