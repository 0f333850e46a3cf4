import type { Kysely } from 'kysely'
import type { DB } from '../db/schema.js'
import type { AccessTokenService } from './access-tokens.js'
import { AssertionRejected, CLOCK_TOLERANCE_SECONDS, verifyAssertion } from './assertion.js'
import { FEDERATED_CLIENT_ID_PREFIX, newClientId } from './credentials.js'
import type { JwksCache } from './jwks-cache.js'
import { clientAuthFailed } from './oauth-error.js'
import type { FederationTrust } from './tables.js'
import {
  findTrust, findTrustByClientId, insertTrust, listTrusts, rememberAssertionId, revokeTrust, touchTrust, updateTrust,
  type TrustValues
} from './trusts-repository.js'

export interface TrustView {
  id: string
  clientId: string
  label: string
  issuer: string
  jwksUri: string
  subject: string
  audiences: string[]
  createdAt: Date
  updatedAt: Date
  lastUsedAt: Date | null
  revokedAt: Date | null
}

export function trustView (t: FederationTrust): TrustView {
  return {
    id: t.id,
    clientId: t.client_id,
    label: t.label,
    issuer: t.issuer,
    jwksUri: t.jwks_uri,
    subject: t.subject,
    audiences: t.audiences,
    createdAt: t.created_at,
    updatedAt: t.updated_at,
    lastUsedAt: t.last_used_at,
    revokedAt: t.revoked_at
  }
}

export interface AuthenticatedTrust { tenantId: string, trustRef: string }

/**
 * Workload identity federation trusts: a tenant trusts one Entra workload identity (issuer,
 * subject, audiences and key set configured here) instead of holding a secret.
 */
export class FederationTrustsService {
  constructor (
    private readonly db: Kysely<DB>,
    private readonly accessTokens: AccessTokenService,
    private readonly jwks: JwksCache,
    private readonly now: () => number = Date.now
  ) {}

  async create (tenantId: string, label: string, values: TrustValues): Promise<TrustView> {
    const clientId = newClientId(FEDERATED_CLIENT_ID_PREFIX)
    return trustView(await insertTrust(this.db, { ...values, tenantId, label, clientId }))
  }

  async list (tenantId: string): Promise<TrustView[]> {
    return (await listTrusts(this.db, tenantId)).map(trustView)
  }

  async get (tenantId: string, id: string): Promise<TrustView | undefined> {
    const row = await findTrust(this.db, tenantId, id)
    return row && trustView(row)
  }

  async update (tenantId: string, id: string, values: Partial<TrustValues>): Promise<TrustView | undefined> {
    const at = new Date(this.now())
    const row = await this.db.transaction().execute((trx) => updateTrust(trx, tenantId, id, values, at))
    if (row) this.accessTokens.forgetTenant(tenantId)
    return row && trustView(row)
  }

  async revoke (tenantId: string, id: string): Promise<boolean> {
    const done = await this.db.transaction().execute((trx) => revokeTrust(trx, tenantId, id, new Date(this.now())))
    if (done) this.accessTokens.forgetTenant(tenantId)
    return done
  }

  /** RFC 7523 §2.2 client authentication by an Entra-signed assertion; failures are `invalid_client`. */
  async authenticate (clientId: string, assertion: string): Promise<AuthenticatedTrust> {
    const trust = await findTrustByClientId(this.db, clientId)
    if (!trust) throw clientAuthFailed('unknown_client', false)
    if (trust.revoked_at !== null) throw clientAuthFailed('trust_revoked', false)
    const now = this.now()
    let payload
    try {
      ({ payload } = await verifyAssertion(assertion, trust, this.jwks, now))
    } catch (err) {
      const reason = err instanceof AssertionRejected ? err.reason : 'malformed'
      throw clientAuthFailed(`assertion_${reason}`, false)
    }
    // RFC 7523 §3 lets a server refuse a `jti` it has seen. Entra's assertions carry none (it
    // uses `uti`) and Entra re-presents one assertion while it lives, so only a present `jti`
    // makes an assertion single-use.
    if (typeof payload.jti === 'string') {
      const fresh = await rememberAssertionId(this.db, {
        trustRef: trust.id,
        tenantId: trust.tenant_id,
        jti: payload.jti,
        // Kept while the assertion could still pass: its exp plus the clock tolerance.
        expiresAt: new Date(((payload.exp ?? 0) + CLOCK_TOLERANCE_SECONDS) * 1000),
        now: new Date(now)
      })
      if (!fresh) throw clientAuthFailed('assertion_replayed', false)
    }
    await touchTrust(this.db, trust.id, new Date(now))
    return { tenantId: trust.tenant_id, trustRef: trust.id }
  }
}
