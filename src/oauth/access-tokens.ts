import type { Kysely } from 'kysely'
import type { DB } from '../db/schema.js'
import { hashToken } from '../tenants/token-crypto.js'
import { deleteExpiredAccessTokens, findLiveAccessToken, insertAccessToken } from './access-tokens-repository.js'
import { ACCESS_TOKEN_PREFIX, newAccessToken } from './credentials.js'

/** What a token was issued to: exactly one client (with the secret used) or one federation trust. */
export type TokenSubject = { clientRef: string, secretRef: string | null } | { trustRef: string }

export interface IssuedToken { accessToken: string, expiresIn: number, scope: string }
export interface VerifiedAccessToken { tenantId: string }

interface CacheEntry { verified: VerifiedAccessToken, until: number }

/**
 * Our access tokens: opaque, 256 random bits, stored only as SHA-256 hashes next to the
 * tenant and the credential they were issued to. Revoking that credential deletes the rows,
 * so a revoked client's tokens stop working once the verify cache (`cacheTtlMs`, a few
 * seconds) has expired in every replica; in the replica that revoked, at once.
 */
export class AccessTokenService {
  readonly #cache = new Map<string, CacheEntry>()

  constructor (
    private readonly db: Kysely<DB>,
    private readonly now: () => number = Date.now,
    private readonly cacheTtlMs = 5_000
  ) {}

  static looksLikeAccessToken (token: string): boolean {
    return token.startsWith(ACCESS_TOKEN_PREFIX)
  }

  async issue (tenantId: string, subject: TokenSubject, lifetimeSeconds: number, scope: string): Promise<IssuedToken> {
    const accessToken = newAccessToken()
    const now = this.now()
    await insertAccessToken(this.db, {
      tenantId,
      tokenHash: hashToken(accessToken),
      clientRef: 'clientRef' in subject ? subject.clientRef : null,
      secretRef: 'secretRef' in subject ? subject.secretRef : null,
      trustRef: 'trustRef' in subject ? subject.trustRef : null,
      scope,
      createdAt: new Date(now),
      expiresAt: new Date(now + lifetimeSeconds * 1000)
    })
    // Expired rows are useless; dropping them here keeps the table at the live tokens.
    await deleteExpiredAccessTokens(this.db, tenantId, new Date(now))
    return { accessToken, expiresIn: lifetimeSeconds, scope }
  }

  async verify (token: string): Promise<VerifiedAccessToken | undefined> {
    const hash = hashToken(token)
    const now = this.now()
    const cached = this.#cache.get(hash)
    if (cached && cached.until > now) return cached.verified
    this.#cache.delete(hash)
    const row = await findLiveAccessToken(this.db, hash, new Date(now))
    if (!row) return undefined
    const verified = { tenantId: row.tenant_id }
    if (this.cacheTtlMs > 0) {
      if (this.#cache.size > 10_000) this.#cache.clear()
      // Never cache past the token's own expiry.
      this.#cache.set(hash, { verified, until: Math.min(now + this.cacheTtlMs, row.expires_at.getTime()) })
    }
    return verified
  }

  /** Drops this process's cached verifications of a tenant after a revocation. */
  forgetTenant (tenantId: string): void {
    for (const [hash, entry] of this.#cache) if (entry.verified.tenantId === tenantId) this.#cache.delete(hash)
  }
}
