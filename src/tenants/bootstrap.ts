import type { Kysely } from 'kysely'
import type { DB } from '../db/schema.js'
import { generateToken, hashToken, tokenDisplayPrefix } from './token-crypto.js'
import {
  countTenants, findActiveTokenByHash, findTenantByName, insertScimToken, insertTenant, lockBootstrap
} from './tenants-repository.js'

export const DEFAULT_TENANT_NAME = 'default'

export interface BootstrapResult {
  tenantId: string
  /** Set only when this start created a token the operator has not seen yet. */
  newToken?: string
  created: boolean
}

/**
 * First start: creates the `default` tenant and its first SCIM token (SCIM_BEARER_TOKEN when
 * given, so scripts and containers can fix it). Later starts make sure a configured token is
 * still accepted. Runs under an advisory lock so replicas starting together create one tenant.
 */
export async function bootstrapDefaultTenant (
  db: Kysely<DB>, fixedToken: string | undefined
): Promise<BootstrapResult | undefined> {
  return db.transaction().execute(async (trx) => {
    await lockBootstrap(trx)
    let tenant = await findTenantByName(trx, DEFAULT_TENANT_NAME)
    if (!tenant && (await countTenants(trx)) > 0) return undefined
    const created = !tenant
    tenant ??= await insertTenant(trx, DEFAULT_TENANT_NAME)
    if (fixedToken) {
      const hash = hashToken(fixedToken)
      if (!(await findActiveTokenByHash(trx, hash))) {
        await insertScimToken(trx, { tenantId: tenant.id, label: 'SCIM_BEARER_TOKEN', tokenHash: hash, tokenPrefix: tokenDisplayPrefix(fixedToken) })
      }
      return { tenantId: tenant.id, created }
    }
    if (!created) return { tenantId: tenant.id, created }
    const token = generateToken()
    await insertScimToken(trx, { tenantId: tenant.id, label: 'initial', tokenHash: hashToken(token), tokenPrefix: tokenDisplayPrefix(token) })
    return { tenantId: tenant.id, newToken: token, created }
  })
}
