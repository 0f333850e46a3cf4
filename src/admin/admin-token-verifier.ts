import type { Kysely } from 'kysely'
import type { DB } from '../db/schema.js'
import { generateToken, hashesEqual, hashToken } from '../tenants/token-crypto.js'

/**
 * Admin tokens: ADMIN_TOKEN from the environment (kept in memory only as its hash) and tokens
 * created at first start (stored as hashes in admin_tokens). SCIM tokens live in another table
 * and are never accepted here, nor admin tokens on /scim/v2.
 */
export class AdminTokenVerifier {
  readonly #envHash: string | undefined

  constructor (private readonly db: Kysely<DB>, envToken: string | undefined) {
    this.#envHash = envToken ? hashToken(envToken) : undefined
  }

  async verify (token: string): Promise<boolean> {
    const hash = hashToken(token)
    if (this.#envHash && hashesEqual(this.#envHash, hash)) return true
    const row = await this.db.selectFrom('admin_tokens').select('token_hash')
      .where('token_hash', '=', hash).where('revoked_at', 'is', null).executeTakeFirst()
    return row !== undefined && hashesEqual(row.token_hash, hash)
  }
}

/** Creates the first admin token when none exists and ADMIN_TOKEN is unset; returns it once. */
export async function ensureFirstAdminToken (db: Kysely<DB>, envToken: string | undefined): Promise<string | undefined> {
  if (envToken) return undefined
  const existing = await db.selectFrom('admin_tokens').select('id').limit(1).executeTakeFirst()
  if (existing) return undefined
  const token = generateToken()
  const inserted = await db.insertInto('admin_tokens')
    .values({ label: 'initial', token_hash: hashToken(token) })
    .onConflict((oc) => oc.doNothing())
    .returning('id').executeTakeFirst()
  return inserted ? token : undefined
}
