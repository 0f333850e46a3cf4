import type { Kysely } from 'kysely'
import type { DB } from '../db/schema.js'
import { anyAdminTokenExists, findActiveAdminTokenHash, insertAdminToken } from '../tenants/admin-tokens-repository.js'
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
    const stored = await findActiveAdminTokenHash(this.db, hash)
    return stored !== undefined && hashesEqual(stored, hash)
  }
}

/** Creates the first admin token when none exists and ADMIN_TOKEN is unset; returns it once. */
export async function ensureFirstAdminToken (
  db: Kysely<DB>, envToken: string | undefined
): Promise<string | undefined> {
  if (envToken) return undefined
  if (await anyAdminTokenExists(db)) return undefined
  const token = generateToken()
  return (await insertAdminToken(db, 'initial', hashToken(token))) ? token : undefined
}
