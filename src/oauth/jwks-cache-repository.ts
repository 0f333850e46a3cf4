import type { Executor } from '../db/executor.js'

/** The last good key set fetched from `uri`, shared by restarts and replicas. */
export async function findStoredKeySet (db: Executor, uri: string) {
  return await db.selectFrom('oauth_jwks_cache').selectAll().where('jwks_uri', '=', uri).executeTakeFirst()
}

export async function storeKeySet (db: Executor, uri: string, jwks: unknown, fetchedAt: Date): Promise<void> {
  const text = JSON.stringify(jwks)
  await db.insertInto('oauth_jwks_cache')
    .values({ jwks_uri: uri, jwks: text, fetched_at: fetchedAt })
    .onConflict((oc) => oc.column('jwks_uri').doUpdateSet({ jwks: text, fetched_at: fetchedAt }))
    .execute()
}
