import { sql, type Kysely } from 'kysely'
import type { DB } from '../db/schema.js'
import type { CapturedRequest } from './entry.js'
import { RawJson } from './mask.js'
import { TARGET } from './action.js'

function jsonOf (body: unknown): string {
  if (body === undefined) return 'null'
  if (body instanceof RawJson) return body.text === '' ? 'null' : body.text
  return JSON.stringify(body) ?? 'null'
}

/** The batch as one JSON array: one parameter, whatever the batch size (no 65,535-parameter limit). */
function batchJson (batch: readonly CapturedRequest[]): string {
  const rows = batch.map((e, seq) => {
    const head = JSON.stringify({
      seq,
      tenant_id: e.tenantId,
      at: e.at.toISOString(),
      request_id: e.requestId,
      token_hash: e.tokenHash ?? null,
      idp: e.idp,
      user_agent: e.userAgent?.slice(0, 300) ?? null,
      method: e.method,
      path: e.path.slice(0, 2000),
      query: e.query?.slice(0, 2000) ?? null,
      action: e.action,
      summary: e.summary,
      target_type: e.targetType ?? null,
      target_id: e.targetId ?? null,
      target_name: e.targetName ?? null,
      status: e.status,
      scim_type: e.scimType ?? null,
      duration_ms: e.durationMs
    })
    // Bodies spliced in as JSON text: a body already known to need no masking is never parsed.
    return `${head.slice(0, -1)},"request_body":${jsonOf(e.requestBody)},"response_body":${jsonOf(e.responseBody)}}`
  })
  return `[${rows.join(',')}]`
}

/**
 * Writes a batch in one statement. Rows of a tenant deleted meanwhile are skipped (the join);
 * the token's name, and the name of a target the request gave only by id, are looked up here,
 * off the request path.
 */
export async function insertCapturedRequests (db: Kysely<DB>, batch: readonly CapturedRequest[]): Promise<number> {
  if (batch.length === 0) return 0
  const uuid = sql`'^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$'`
  const result = await sql`
    insert into scim_requests (tenant_id, at, request_id, token_id, token_label, idp, user_agent, method, path, query,
      action, summary, target_type, target_id, target_name, status, scim_type, duration_ms, request_body, response_body)
    select r.tenant_id, r.at, r.request_id, t.id, t.label, r.idp, r.user_agent, r.method, r.path, r.query, r.action,
      replace(r.summary, ${TARGET}, coalesce(r.target_name, g.display_name, u.user_name, r.target_id, '')),
      r.target_type, r.target_id, coalesce(r.target_name, g.display_name, u.user_name),
      r.status, r.scim_type, r.duration_ms, r.request_body, r.response_body
    from jsonb_to_recordset(${batchJson(batch)}::jsonb) as r(seq integer, tenant_id uuid, at timestamptz,
      request_id text, token_hash text, idp text, user_agent text, method text, path text, query text, action text,
      summary text,
      target_type text, target_id text, target_name text, status integer, scim_type text, duration_ms float8,
      request_body json, response_body json)
    join tenants on tenants.id = r.tenant_id
    left join scim_tokens t on t.token_hash = r.token_hash and t.tenant_id = r.tenant_id
    left join groups g on r.target_type = 'Group' and r.target_name is null and g.tenant_id = r.tenant_id
      and g.id = case when r.target_id ~ ${uuid} then r.target_id::uuid end
    left join users u on r.target_type = 'User' and r.target_name is null and u.tenant_id = r.tenant_id
      and u.id = case when r.target_id ~ ${uuid} then r.target_id::uuid end
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
    const r = await db.deleteFrom('scim_requests')
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
      const r = await db.deleteFrom('scim_requests')
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

/** Tenants that have logged requests. */
export async function tenantsWithRequests (db: Kysely<DB>): Promise<string[]> {
  const rows = await db.selectFrom('tenants').select('id')
    .where((eb) => eb.exists(eb.selectFrom('scim_requests').select(sql`1`.as('one'))
      .whereRef('scim_requests.tenant_id', '=', 'tenants.id')))
    .execute()
  return rows.map((r) => r.id)
}
