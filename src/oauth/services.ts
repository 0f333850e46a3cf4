import type { Kysely } from 'kysely'
import type { DB } from '../db/schema.js'
import { AccessTokenService } from './access-tokens.js'
import { OAuthClientsService } from './clients-service.js'
import { JwksCache, type JwksCacheOptions } from './jwks-cache.js'
import { FederationTrustsService } from './trusts-service.js'

/** The OAuth side of one process: issued tokens, clients, federation trusts and key sets. */
export interface OAuthServices {
  accessTokens: AccessTokenService
  clients: OAuthClientsService
  trusts: FederationTrustsService
  jwks: JwksCache
}

export interface OAuthServicesOptions {
  now?: (() => number) | undefined
  /** How long a verified access token is trusted without a lookup; bounds the revocation lag. */
  accessTokenCacheMs?: number
  jwks?: JwksCacheOptions
}

export function createOAuthServices (db: Kysely<DB>, options: OAuthServicesOptions = {}): OAuthServices {
  const now = options.now ?? Date.now
  const accessTokens = new AccessTokenService(db, now, options.accessTokenCacheMs ?? 5_000)
  const jwks = new JwksCache(db, { now, ...options.jwks })
  return {
    accessTokens,
    jwks,
    clients: new OAuthClientsService(db, accessTokens, now),
    trusts: new FederationTrustsService(db, accessTokens, jwks, now)
  }
}
