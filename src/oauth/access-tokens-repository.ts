import type { Executor } from '../db/executor.js'

export interface AccessTokenInsert {
  tenantId: string
  tokenHash: string
  clientRef: string | null
  secretRef: string | null
  trustRef: string | null
  scope: string
  createdAt: Date
  expiresAt: Date
}

export async function insertAccessToken (db: Executor, t: AccessTokenInsert): Promise<void> {
  await db.insertInto('oauth_access_tokens').values({
    tenant_id: t.tenantId,
    token_hash: t.tokenHash,
    client_ref: t.clientRef,
    secret_ref: t.secretRef,
    trust_ref: t.trustRef,
    scope: t.scope,
    created_at: t.createdAt,
    expires_at: t.expiresAt
  }).execute()
}

/** Drops the tenant's tokens that expired before `now`. */
export async function deleteExpiredAccessTokens (db: Executor, tenantId: string, now: Date): Promise<void> {
  await db.deleteFrom('oauth_access_tokens').where('tenant_id', '=', tenantId).where('expires_at', '<', now).execute()
}

/** The tenant and expiry of the unexpired token with this hash. */
export async function findLiveAccessToken (db: Executor, hash: string, now: Date) {
  return await db.selectFrom('oauth_access_tokens').select(['tenant_id', 'expires_at'])
    .where('token_hash', '=', hash).where('expires_at', '>', now).executeTakeFirst()
}
