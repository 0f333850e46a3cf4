import type { Kysely } from 'kysely'
import type { DB } from '../db/schema.js'
import type { Executor } from '../db/executor.js'
import { hashToken, hashesEqual } from '../tenants/token-crypto.js'
import type { AccessTokenService } from './access-tokens.js'
import {
  findClient, findClientByClientId, insertClient, insertSecret, listClients, listSecrets, listUsableSecrets,
  revokeClient, revokeSecret, touchSecret
} from './clients-repository.js'
import { displayPrefix, newClientId, newClientSecret } from './credentials.js'
import { clientAuthFailed } from './oauth-error.js'
import type { OAuthClient, OAuthClientSecret } from './tables.js'

/** Microsoft's gallery rule: client secrets expire after one to three years. */
export const SECRET_LIFETIME_DAYS = { min: 365, max: 1095, default: 365 } as const
const DAY_MS = 86_400_000

export interface CreatedSecret { id: string, secret: string, prefix: string, createdAt: Date, expiresAt: Date }
export interface AuthenticatedClient { tenantId: string, clientRef: string, secretRef: string }

export interface ClientView {
  id: string
  clientId: string
  label: string
  createdAt: Date
  revokedAt: Date | null
  secrets: Array<{
    id: string, prefix: string, createdAt: Date, expiresAt: Date, lastUsedAt: Date | null, revokedAt: Date | null
  }>
}

function secretView (s: OAuthClientSecret): ClientView['secrets'][number] {
  return {
    id: s.id,
    prefix: s.secret_prefix,
    createdAt: s.created_at,
    expiresAt: s.expires_at,
    lastUsedAt: s.last_used_at,
    revokedAt: s.revoked_at
  }
}

function clientView (c: OAuthClient, secrets: OAuthClientSecret[]): ClientView {
  return {
    id: c.id,
    clientId: c.client_id,
    label: c.label,
    createdAt: c.created_at,
    revokedAt: c.revoked_at,
    secrets: secrets.filter((s) => s.client_ref === c.id).map(secretView)
  }
}

/**
 * OAuth clients for the client credentials grant (RFC 6749 §4.4): one or more per tenant, each
 * with one or more secrets so an IdP can move to a new secret before the old one is deleted.
 */
export class OAuthClientsService {
  constructor (
    private readonly db: Kysely<DB>,
    private readonly accessTokens: AccessTokenService,
    private readonly now: () => number = Date.now
  ) {}

  async create (tenantId: string, label: string, lifetimeDays: number = SECRET_LIFETIME_DAYS.default): Promise<{
    client: ClientView, secret: CreatedSecret
  }> {
    return this.db.transaction().execute(async (trx) => {
      const client = await insertClient(trx, { tenantId, clientId: newClientId(), label })
      const secret = await this.#addSecret(trx, client, lifetimeDays)
      return { client: clientView(client, []), secret }
    })
  }

  async addSecret (
    tenantId: string, id: string, lifetimeDays: number = SECRET_LIFETIME_DAYS.default
  ): Promise<CreatedSecret | undefined> {
    const client = await findClient(this.db, tenantId, id)
    if (!client || client.revoked_at !== null) return undefined
    return this.#addSecret(this.db, client, lifetimeDays)
  }

  async #addSecret (db: Executor, client: OAuthClient, lifetimeDays: number): Promise<CreatedSecret> {
    const secret = newClientSecret()
    const now = this.now()
    const row = await insertSecret(db, {
      tenantId: client.tenant_id,
      clientRef: client.id,
      secretHash: hashToken(secret),
      secretPrefix: displayPrefix(secret),
      expiresAt: new Date(now + lifetimeDays * DAY_MS)
    })
    return { id: row.id, secret, prefix: row.secret_prefix, createdAt: row.created_at, expiresAt: row.expires_at }
  }

  async list (tenantId: string): Promise<ClientView[]> {
    const clients = await listClients(this.db, tenantId)
    const secrets = await listSecrets(this.db, tenantId, clients.map((c) => c.id))
    return clients.map((c) => clientView(c, secrets))
  }

  async get (tenantId: string, id: string): Promise<ClientView | undefined> {
    const client = await findClient(this.db, tenantId, id)
    if (!client) return undefined
    return clientView(client, await listSecrets(this.db, tenantId, [client.id]))
  }

  async revoke (tenantId: string, id: string): Promise<boolean> {
    const done = await this.db.transaction().execute((trx) => revokeClient(trx, tenantId, id, new Date(this.now())))
    if (done) this.accessTokens.forgetTenant(tenantId)
    return done
  }

  async revokeSecret (tenantId: string, id: string, secretId: string): Promise<boolean> {
    const at = new Date(this.now())
    const done = await this.db.transaction().execute((trx) => revokeSecret(trx, tenantId, id, secretId, at))
    if (done) this.accessTokens.forgetTenant(tenantId)
    return done
  }

  /**
   * RFC 6749 §2.3.1 client authentication. Every failure is the same `invalid_client`; the
   * reason goes to the log only. All usable secrets are compared, in constant time each.
   */
  async authenticate (clientId: string, secret: string, usedBasic: boolean): Promise<AuthenticatedClient> {
    const client = await findClientByClientId(this.db, clientId)
    if (!client) throw clientAuthFailed('unknown_client', usedBasic)
    if (client.revoked_at !== null) throw clientAuthFailed('client_revoked', usedBasic)
    const hash = hashToken(secret)
    const now = this.now()
    let matched: OAuthClientSecret | undefined
    for (const candidate of await listUsableSecrets(this.db, client.id)) {
      if (hashesEqual(candidate.secret_hash, hash)) matched = candidate
    }
    if (!matched) throw clientAuthFailed('secret_mismatch', usedBasic)
    // Microsoft's gallery rule: no token for expired credentials.
    if (matched.expires_at.getTime() <= now) throw clientAuthFailed('secret_expired', usedBasic)
    await touchSecret(this.db, matched.id, new Date(now))
    return { tenantId: client.tenant_id, clientRef: client.id, secretRef: matched.id }
  }
}
