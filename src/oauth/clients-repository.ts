import type { Executor } from '../db/executor.js'
import type { OAuthClient, OAuthClientSecret } from './tables.js'

export async function insertClient (
  db: Executor, values: { tenantId: string, clientId: string, label: string }
): Promise<OAuthClient> {
  return db.insertInto('oauth_clients')
    .values({ tenant_id: values.tenantId, client_id: values.clientId, label: values.label })
    .returningAll().executeTakeFirstOrThrow()
}

export async function insertSecret (
  db: Executor,
  values: { tenantId: string, clientRef: string, secretHash: string, secretPrefix: string, expiresAt: Date }
): Promise<OAuthClientSecret> {
  return db.insertInto('oauth_client_secrets').values({
    tenant_id: values.tenantId,
    client_ref: values.clientRef,
    secret_hash: values.secretHash,
    secret_prefix: values.secretPrefix,
    expires_at: values.expiresAt
  }).returningAll().executeTakeFirstOrThrow()
}

export async function findClientByClientId (db: Executor, clientId: string): Promise<OAuthClient | undefined> {
  return db.selectFrom('oauth_clients').selectAll().where('client_id', '=', clientId).executeTakeFirst()
}

export async function findClient (db: Executor, tenantId: string, id: string): Promise<OAuthClient | undefined> {
  return db.selectFrom('oauth_clients').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id)
    .executeTakeFirst()
}

export async function listClients (db: Executor, tenantId: string): Promise<OAuthClient[]> {
  return db.selectFrom('oauth_clients').selectAll().where('tenant_id', '=', tenantId)
    .orderBy('created_at').orderBy('id').execute()
}

/** Every secret of the clients given, revoked ones included (the admin list shows them). */
export async function listSecrets (db: Executor, tenantId: string, clientRefs: string[]): Promise<OAuthClientSecret[]> {
  if (clientRefs.length === 0) return []
  return db.selectFrom('oauth_client_secrets').selectAll()
    .where('tenant_id', '=', tenantId).where('client_ref', 'in', clientRefs)
    .orderBy('created_at').orderBy('id').execute()
}

/** Secrets not revoked; expiry is checked by the caller against its clock. */
export async function listUsableSecrets (db: Executor, clientRef: string): Promise<OAuthClientSecret[]> {
  return db.selectFrom('oauth_client_secrets').selectAll()
    .where('client_ref', '=', clientRef).where('revoked_at', 'is', null).execute()
}

export async function touchSecret (db: Executor, secretId: string, at: Date): Promise<void> {
  await db.updateTable('oauth_client_secrets').set({ last_used_at: at }).where('id', '=', secretId).execute()
}

/** Revokes a client and deletes its live access tokens in one transaction's statements. */
export async function revokeClient (db: Executor, tenantId: string, id: string, at: Date): Promise<boolean> {
  const result = await db.updateTable('oauth_clients').set({ revoked_at: at })
    .where('tenant_id', '=', tenantId).where('id', '=', id).where('revoked_at', 'is', null).executeTakeFirst()
  if (Number(result.numUpdatedRows) !== 1) return false
  await db.updateTable('oauth_client_secrets').set({ revoked_at: at })
    .where('client_ref', '=', id).where('revoked_at', 'is', null).execute()
  await db.deleteFrom('oauth_access_tokens').where('tenant_id', '=', tenantId).where('client_ref', '=', id).execute()
  return true
}

/** Revokes one secret and deletes the access tokens issued with it. */
export async function revokeSecret (
  db: Executor, tenantId: string, clientRef: string, secretId: string, at: Date
): Promise<boolean> {
  const result = await db.updateTable('oauth_client_secrets').set({ revoked_at: at })
    .where('tenant_id', '=', tenantId).where('client_ref', '=', clientRef).where('id', '=', secretId)
    .where('revoked_at', 'is', null).executeTakeFirst()
  if (Number(result.numUpdatedRows) !== 1) return false
  await db.deleteFrom('oauth_access_tokens').where('tenant_id', '=', tenantId).where('secret_ref', '=', secretId)
    .execute()
  return true
}
