import { sql } from 'kysely'
import type { ScimToken, Tenant } from './tables.js'
import type { Executor } from '../db/executor.js'

export async function insertTenant (db: Executor, name: string): Promise<Tenant> {
  return db.insertInto('tenants').values({ name }).returningAll().executeTakeFirstOrThrow()
}

export async function findTenantByName (db: Executor, name: string): Promise<Tenant | undefined> {
  return db.selectFrom('tenants').selectAll()
    .where((eb) => eb(eb.fn('lower', ['name']), '=', name.toLowerCase()))
    .executeTakeFirst()
}

export async function findTenantById (db: Executor, id: string): Promise<Tenant | undefined> {
  return db.selectFrom('tenants').selectAll().where('id', '=', id).executeTakeFirst()
}

export async function countTenants (db: Executor): Promise<number> {
  const row = await db.selectFrom('tenants').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()
  return Number(row.n)
}

export async function insertScimToken (
  db: Executor,
  values: { tenantId: string, label: string, tokenHash: string, tokenPrefix: string }
): Promise<ScimToken> {
  return db.insertInto('scim_tokens').values({
    tenant_id: values.tenantId,
    label: values.label,
    token_hash: values.tokenHash,
    token_prefix: values.tokenPrefix
  }).returningAll().executeTakeFirstOrThrow()
}

/** The live (not revoked) token with this hash, if any. */
export async function findActiveTokenByHash (db: Executor, tokenHash: string): Promise<ScimToken | undefined> {
  return db.selectFrom('scim_tokens').selectAll()
    .where('token_hash', '=', tokenHash)
    .where('revoked_at', 'is', null)
    .executeTakeFirst()
}

export async function listScimTokens (db: Executor, tenantId: string): Promise<ScimToken[]> {
  return db.selectFrom('scim_tokens').selectAll()
    .where('tenant_id', '=', tenantId)
    .orderBy('created_at').orderBy('id')
    .execute()
}

/** Revokes one token of one tenant; false when there is no such live token. */
export async function revokeScimToken (db: Executor, tenantId: string, tokenId: string): Promise<boolean> {
  const result = await db.updateTable('scim_tokens')
    .set({ revoked_at: new Date() })
    .where('tenant_id', '=', tenantId)
    .where('id', '=', tokenId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst()
  return Number(result.numUpdatedRows) === 1
}

/** Records use at most once a minute per token, so auth does not write on every request. */
export async function touchScimToken (db: Executor, tokenId: string): Promise<void> {
  await db.updateTable('scim_tokens')
    .set({ last_used_at: new Date() })
    .where('id', '=', tokenId)
    .where((eb) => eb.or([
      eb('last_used_at', 'is', null),
      eb('last_used_at', '<', new Date(Date.now() - 60_000))
    ]))
    .execute()
}

/** A page of tenants by name; `onlyIds` limits it to those tenants (a console session's scope). */
export async function listTenantsPage (
  db: Executor, limit: number, offset: number, onlyIds?: readonly string[]
): Promise<{ rows: Tenant[], total: number }> {
  if (onlyIds !== undefined && onlyIds.length === 0) return { rows: [], total: 0 }
  let query = db.selectFrom('tenants')
  if (onlyIds !== undefined) query = query.where('id', 'in', [...onlyIds])
  const rows = await query.selectAll()
    .orderBy((eb) => eb.fn('lower', ['name'])).orderBy('id')
    .limit(limit).offset(offset).execute()
  if (onlyIds === undefined) return { rows, total: await countTenants(db) }
  const count = await query.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()
  return { rows, total: Number(count.n) }
}

export async function renameTenant (db: Executor, id: string, name: string): Promise<Tenant | undefined> {
  return db.updateTable('tenants').set({ name, updated_at: new Date() }).where('id', '=', id).returningAll().executeTakeFirst()
}

/**
 * Deletes a tenant. Every table with a tenant_id references tenants with ON DELETE CASCADE,
 * except the SCIM request log, which has no foreign key (one check per logged request cost more
 * than the row: migrations/20261203T001100Z-request-log-write-cost.ts): its rows go here, in the
 * same statement.
 */
export async function deleteTenant (db: Executor, id: string): Promise<boolean> {
  const result = await sql<{ id: string }>`
    with log as (delete from scim_requests where tenant_id = ${id})
    delete from tenants where id = ${id} returning id`.execute(db)
  return result.rows.length === 1
}

/** Tenant ids in id order, at most `limit`. */
export async function listTenantIds (db: Executor, limit: number): Promise<string[]> {
  return (await db.selectFrom('tenants').select('id').orderBy('id').limit(limit).execute()).map((r) => r.id)
}

/** Serialises first-start bootstraps across replicas until the transaction ends. */
export async function lockBootstrap (trx: Executor): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtext('scim-meta-bridge:bootstrap'))`.execute(trx)
}
