import { sql, type Kysely } from 'kysely'
import type { DB } from '../db/schema.js'
import type { LoggedRequest } from './entry.js'
import type { ScimRequestRow } from './tables.js'
import { RawJson } from './mask.js'
import { TARGET } from './action.js'

/** A body as JSON text for a `json` array element; null for none. */
function jsonOf (body: unknown): string | null {
  if (body === undefined || body === null) return null
  if (body instanceof RawJson) return body.text === '' ? null : body.text
  return JSON.stringify(body) ?? null
}

/**
 * The batch as one array per column, sent as 19 parameters whatever the batch size (no
 * 65,535-parameter limit). Column arrays rather than one JSON document of row objects: unnesting
 * arrays costs the database a third of what `json_to_recordset` took to look up 20 keys in every
 * row (measured in psql on 500-row batches of filter requests: 6.7 vs 14.5 µs per row to read,
 * 16 vs 24 µs per row written; bench/findings.md).
 */
function batchColumns (batch: readonly LoggedRequest[]) {
  const n = batch.length
  const col = <T>(): T[] => new Array<T>(n)
  const c = {
    tenantId: col<string>(),
    at: col<string>(),
    requestId: col<string>(),
    tokenId: col<string | null>(),
    idp: col<string>(),
    userAgent: col<string | null>(),
    method: col<string>(),
    path: col<string>(),
    query: col<string | null>(),
    action: col<string>(),
    summary: col<string>(),
    targetType: col<string | null>(),
    targetId: col<string | null>(),
    targetName: col<string | null>(),
    status: col<number>(),
    scimType: col<string | null>(),
    durationMs: col<number>(),
    requestBody: col<string | null>(),
    responseBody: col<string | null>()
  }
  for (let i = 0; i < n; i++) {
    const e = batch[i] as LoggedRequest
    c.tenantId[i] = e.tenantId
    c.at[i] = e.at.toISOString()
    c.requestId[i] = e.requestId
    c.tokenId[i] = e.tokenId ?? null
    c.idp[i] = e.idp
    c.userAgent[i] = e.userAgent?.slice(0, 300) ?? null
    c.method[i] = e.method
    c.path[i] = e.path.slice(0, 2000)
    c.query[i] = e.query?.slice(0, 2000) ?? null
    c.action[i] = e.action
    c.summary[i] = e.summary
    c.targetType[i] = e.targetType ?? null
    c.targetId[i] = e.targetId ?? null
    c.targetName[i] = e.targetName ?? null
    c.status[i] = e.status
    c.scimType[i] = e.scimType ?? null
    c.durationMs[i] = e.durationMs
    c.requestBody[i] = jsonOf(e.requestBody)
    c.responseBody[i] = jsonOf(e.responseBody)
  }
  return c
}

/**
 * Writes a batch in one statement. Rows of a tenant deleted meanwhile are skipped (the join);
 * the token's name, and the name of a target the request gave only by id, are looked up here,
 * off the request path. Bodies are `json`, not `jsonb`: stored verbatim and never queried
 * inside, so they are only checked, not converted. A target's name is looked up only for rows
 * without one (a PATCH or GET by id), by primary key; reads and creates carry their own or none.
 */
export async function insertLoggedRequests (db: Kysely<DB>, batch: readonly LoggedRequest[]): Promise<number> {
  if (batch.length === 0) return 0
  const uuid = sql`'^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$'`
  const c = batchColumns(batch)
  const result = await sql`
    insert into scim_requests (tenant_id, at, request_id, token_id, token_label, idp, user_agent, method, path, query,
      action, summary, target_type, target_id, target_name, status, scim_type, duration_ms, request_body, response_body)
    select r.tenant_id, r.at, r.request_id, t.id, t.label, r.idp, r.user_agent, r.method, r.path, r.query, r.action,
      replace(r.summary, ${TARGET}, coalesce(r.target_name, r.target_id, '')),
      r.target_type, r.target_id, r.target_name,
      r.status, r.scim_type, r.duration_ms, r.request_body, r.response_body
    from (
      select r.seq, r.tenant_id, r.at, r.request_id, r.token_id, r.idp, r.user_agent, r.method, r.path, r.query,
        r.action, r.summary, r.target_type, r.target_id, r.status, r.scim_type, r.duration_ms, r.request_body,
        r.response_body,
        coalesce(r.target_name, case when r.target_id ~ ${uuid} then case r.target_type
          when 'User' then (select u.user_name from users u where u.tenant_id = r.tenant_id and u.id = r.target_id::uuid)
          when 'Group' then (select g.display_name from groups g where g.tenant_id = r.tenant_id and g.id = r.target_id::uuid)
          end end) as target_name
      from unnest(${c.tenantId}::uuid[], ${c.at}::timestamptz[], ${c.requestId}::text[], ${c.tokenId}::uuid[],
        ${c.idp}::text[], ${c.userAgent}::text[], ${c.method}::text[], ${c.path}::text[], ${c.query}::text[],
        ${c.action}::text[], ${c.summary}::text[], ${c.targetType}::text[], ${c.targetId}::text[],
        ${c.targetName}::text[], ${c.status}::integer[], ${c.scimType}::text[], ${c.durationMs}::float8[],
        ${c.requestBody}::json[], ${c.responseBody}::json[]) with ordinality
        as r(tenant_id, at, request_id, token_id, idp, user_agent, method, path, query, action, summary,
          target_type, target_id, target_name, status, scim_type, duration_ms, request_body, response_body, seq)
    ) r
    join tenants on tenants.id = r.tenant_id
    left join scim_tokens t on t.id = r.token_id and t.tenant_id = r.tenant_id
    -- Ids in the order the requests were answered: the joins may reorder rows.
    order by r.seq
  `.execute(db)
  return Number(result.numAffectedRows ?? 0)
}

export interface PruneResult { byAge: number, byCount: number }

/**
 * Deletes a tenant's rows older than `olderThan`, then all but its newest `keepRows`. Per
 * tenant and in chunks, so one prune never holds the embedded database's only connection long.
 */
export async function pruneTenant (
  db: Kysely<DB>, tenantId: string, olderThan: Date, keepRows: number, chunk = 5_000
): Promise<PruneResult> {
  let byAge = 0
  for (;;) {
    const r = await db.deleteFrom('scim_requests').where('tenant_id', '=', tenantId)
      .where('id', 'in', (eb) => eb.selectFrom('scim_requests').select('id')
        .where('tenant_id', '=', tenantId).where('at', '<', olderThan).limit(chunk))
      .executeTakeFirst()
    const n = Number(r.numDeletedRows)
    byAge += n
    if (n < chunk) break
  }
  let byCount = 0
  const cutoff = await db.selectFrom('scim_requests').select('id').where('tenant_id', '=', tenantId)
    .orderBy('id', 'desc').offset(keepRows).limit(1).executeTakeFirst()
  if (cutoff !== undefined) {
    for (;;) {
      const r = await db.deleteFrom('scim_requests').where('tenant_id', '=', tenantId)
        .where('id', 'in', (eb) => eb.selectFrom('scim_requests').select('id')
          .where('tenant_id', '=', tenantId).where('id', '<=', cutoff.id).limit(chunk))
        .executeTakeFirst()
      const n = Number(r.numDeletedRows)
      byCount += n
      if (n < chunk) break
    }
  }
  return { byAge, byCount }
}

/**
 * The tenants that have rows in the log, and whether each still exists: a batch racing a
 * tenant's deletion can leave rows of a deleted tenant behind (the table has no foreign key,
 * migrations/20261203T001100Z-request-log-write-cost.ts), which the pruner then deletes. A loose
 * index scan of the primary key: one probe per tenant, however many rows each has.
 */
export async function tenantsWithRequests (db: Kysely<DB>): Promise<Array<{ tenantId: string, exists: boolean }>> {
  const rows = await sql<{ tenant_id: string, exists: boolean }>`
    with recursive logged as (
      (select tenant_id from scim_requests order by tenant_id limit 1)
      union all
      select (select s.tenant_id from scim_requests s where s.tenant_id > logged.tenant_id order by s.tenant_id limit 1)
      from logged where logged.tenant_id is not null
    )
    select logged.tenant_id, exists (select 1 from tenants t where t.id = logged.tenant_id) as exists
    from logged where logged.tenant_id is not null`.execute(db)
  return rows.rows.map((r) => ({ tenantId: r.tenant_id, exists: r.exists }))
}

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

/** A tenant's requests since `since` by IdP and status class (`2xx`…); the (tenant_id, at) index bounds it. */
export async function requestCountsSince (db: Kysely<DB>, tenantId: string, since: Date) {
  const counts = await sql<{ idp: string, status_class: string, n: string | number }>`
    select idp, (status / 100)::text || 'xx' as status_class, count(*) as n from scim_requests
    where tenant_id = ${tenantId} and at >= ${since} group by 1, 2 order by 1, 2`.execute(db)
  return counts.rows.map((r) => ({ idp: r.idp, statusClass: r.status_class, count: Number(r.n) }))
}

/** The tenant's newest request, as the health summary shows it. */
export async function lastRequest (db: Kysely<DB>, tenantId: string) {
  return await db.selectFrom('scim_requests')
    .select(['at', 'idp', 'method', 'path', 'summary', 'status', 'token_label'])
    .where('tenant_id', '=', tenantId).orderBy('id', 'desc').limit(1).executeTakeFirst()
}

/** SCIM requests per bucket by IdP and status class, for the console's charts. */
export async function scimRequestSeries (
  db: Kysely<DB>, tenantId: string, range: { since: Date, until: Date }, bucketSeconds: number
) {
  const rows = await sql<{ bucket: Date, idp: string, status_class: string, n: string | number }>`
    select date_bin(make_interval(secs => ${bucketSeconds}), at, timestamptz '2000-01-01') as bucket, idp,
      (status / 100)::text || 'xx' as status_class, count(*) as n
    from scim_requests where tenant_id = ${tenantId} and at >= ${range.since} and at < ${range.until}
    group by 1, 2, 3 order by 1, 2, 3`.execute(db)
  return rows.rows.map((r) => ({
    at: new Date(r.bucket), idp: r.idp, status_class: r.status_class, count: Number(r.n)
  }))
}
