import type { Kysely } from 'kysely'
import type { DB } from '../db/schema.js'
import { generateToken, hashesEqual, hashToken, tokenDisplayPrefix } from './token-crypto.js'
import {
  findActiveTokenByHash, insertScimToken, listScimTokens, revokeScimToken, touchScimToken
} from './tenants-repository.js'

export interface VerifiedToken {
  tokenId: string
  tenantId: string
}

export interface CreatedToken {
  id: string
  label: string
  prefix: string
  /** The secret, returned once at creation and never stored. */
  token: string
  createdAt: Date
}

interface CacheEntry { verified: VerifiedToken, expiresAt: number }

/**
 * SCIM bearer tokens: created (shown once), verified, listed without secrets, revoked.
 * Verification caches a hit for `cacheTtlMs` so the hot path does one query, not two; a
 * revocation in this process drops the entry at once, one in another replica within the TTL.
 */
export class TokenService {
  readonly #cache = new Map<string, CacheEntry>()
  readonly #lastTouched = new Map<string, number>()

  constructor (private readonly db: Kysely<DB>, private readonly cacheTtlMs = 5_000) {}

  async create (tenantId: string, label: string, token = generateToken()): Promise<CreatedToken> {
    const row = await insertScimToken(this.db, {
      tenantId, label, tokenHash: hashToken(token), tokenPrefix: tokenDisplayPrefix(token)
    })
    return { id: row.id, label: row.label, prefix: row.token_prefix, token, createdAt: row.created_at }
  }

  async verify (token: string): Promise<VerifiedToken | undefined> {
    const hash = hashToken(token)
    const now = Date.now()
    const cached = this.#cache.get(hash)
    if (cached && cached.expiresAt > now) return cached.verified
    const row = await findActiveTokenByHash(this.db, hash)
    // The index lookup is by hash, never by the secret; compare again in constant time anyway.
    if (!row || !hashesEqual(row.token_hash, hash)) {
      this.#cache.delete(hash)
      return undefined
    }
    const verified = { tokenId: row.id, tenantId: row.tenant_id }
    if (this.cacheTtlMs > 0) {
      if (this.#cache.size > 10_000) this.#cache.clear()
      this.#cache.set(hash, { verified, expiresAt: now + this.cacheTtlMs })
    }
    if ((this.#lastTouched.get(row.id) ?? 0) < now - 60_000) {
      this.#lastTouched.set(row.id, now)
      await touchScimToken(this.db, row.id)
    }
    return verified
  }

  async list (tenantId: string) {
    const rows = await listScimTokens(this.db, tenantId)
    return rows.map((r) => ({
      id: r.id,
      label: r.label,
      prefix: r.token_prefix,
      createdAt: r.created_at,
      lastUsedAt: r.last_used_at,
      revokedAt: r.revoked_at
    }))
  }

  /**
   * Drops every cached token of a tenant that was just deleted, so they stop working in this
   * process at once; other replicas follow within `cacheTtlMs` (their writes meanwhile fail on
   * the missing tenant and answer 401, src/scim-api/error-handler.ts).
   */
  forgetTenant (tenantId: string): void {
    for (const [hash, entry] of this.#cache) {
      if (entry.verified.tenantId === tenantId) this.#cache.delete(hash)
    }
  }

  async revoke (tenantId: string, tokenId: string): Promise<boolean> {
    const revoked = await revokeScimToken(this.db, tenantId, tokenId)
    for (const [hash, entry] of this.#cache) {
      if (entry.verified.tokenId === tokenId) this.#cache.delete(hash)
    }
    return revoked
  }
}
