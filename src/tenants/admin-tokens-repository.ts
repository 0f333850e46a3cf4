import type { Executor } from '../db/executor.js'

/** The hash of an unrevoked admin token, when one has this hash. */
export async function findActiveAdminTokenHash (db: Executor, hash: string): Promise<string | undefined> {
  const row = await db.selectFrom('admin_tokens').select('token_hash')
    .where('token_hash', '=', hash).where('revoked_at', 'is', null).executeTakeFirst()
  return row?.token_hash
}

/** The label of the admin token with this hash, revoked or not. */
export async function adminTokenLabel (db: Executor, hash: string): Promise<string | undefined> {
  const row = await db.selectFrom('admin_tokens').select('label').where('token_hash', '=', hash).executeTakeFirst()
  return row?.label
}

export async function anyAdminTokenExists (db: Executor): Promise<boolean> {
  return (await db.selectFrom('admin_tokens').select('id').limit(1).executeTakeFirst()) !== undefined
}

/** Inserts a token's hash; false when another process inserted the same one first. */
export async function insertAdminToken (db: Executor, label: string, hash: string): Promise<boolean> {
  const inserted = await db.insertInto('admin_tokens')
    .values({ label, token_hash: hash })
    .onConflict((oc) => oc.doNothing())
    .returning('id').executeTakeFirst()
  return inserted !== undefined
}
