import { sql, type Kysely } from 'kysely'
import type { DB } from '../../db/schema.js'

/**
 * SCIM users having one of these addresses (any of their emails, or an email-like userName),
 * lowercased. Work Account members are matched to users this way (docs/identity-modes.md).
 */
export async function usersByEmail (db: Kysely<DB>, tenantId: string, emails: readonly string[]): Promise<Map<string, string>> {
  if (emails.length === 0) return new Map()
  const wanted = [...new Set(emails.map((e) => e.toLowerCase()))]
  const result = await sql<{ id: string, email: string }>`
    select u.id, m.email
    from users u
    cross join lateral (
      select lower(x->>'value') as email
      from jsonb_array_elements(case when jsonb_typeof(u.data->'emails') = 'array' then u.data->'emails' else '[]'::jsonb end) x
      union select lower(u.user_name)
    ) m
    where u.tenant_id = ${tenantId}::uuid and m.email = any(${wanted}::text[])
    order by u.created_at, u.id`.execute(db)
  const byEmail = new Map<string, string>()
  for (const row of result.rows) if (!byEmail.has(row.email)) byEmail.set(row.email, row.id)
  return byEmail
}

/** Claims this round of the acceptance poll for a tenant: one replica per interval. */
export async function claimPoll (db: Kysely<DB>, tenantId: string, intervalSeconds: number): Promise<boolean> {
  const result = await db.updateTable('tenant_meta_settings')
    .set({ last_polled_at: sql`now()` })
    .where('tenant_id', '=', tenantId)
    .where((eb) => eb.or([
      eb('last_polled_at', 'is', null),
      eb('last_polled_at', '<=', sql<Date>`now() - ${intervalSeconds * 0.9} * interval '1 second'`)
    ]))
    .executeTakeFirst()
  return Number(result.numUpdatedRows) > 0
}

/** Tenants with credentials, not in dry run, not disconnected: the ones worth polling. */
export async function pollableTenants (db: Kysely<DB>): Promise<string[]> {
  const rows = await db.selectFrom('tenant_meta_settings').select('tenant_id')
    .where('business_id', 'is not', null).where('access_token_sealed', 'is not', null)
    .where('dry_run', '=', false).where('connection_status', '<>', 'disconnected')
    .orderBy('tenant_id').execute()
  return rows.map((r) => r.tenant_id)
}
