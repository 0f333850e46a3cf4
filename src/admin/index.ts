import type { FastifyInstance } from 'fastify'
import type { Kysely } from 'kysely'
import type { DB } from '../db/schema.js'
import type { TokenService } from '../tenants/token-service.js'
import { addAdminAuth } from './admin-auth.js'
import { registerAdminErrorHandler } from './error-handler.js'
import type { AdminTokenVerifier } from './admin-token-verifier.js'
import { tenantCollectionRoutes, tenantRoutes } from './tenant-routes.js'
import { addTenantScope } from './tenant-scope.js'
import { zodValidatorCompiler } from './zod-type-provider.js'
import { tokenRoutes } from './token-routes.js'
import { syncRoutes } from './sync-routes.js'
import { driftRoutes } from './drift-routes.js'
import type { SyncService } from '../sync/sync-service.js'
import { brakeRoutes } from './brake-routes.js'
import type { DecisionDeps } from '../brake/decisions.js'
import { provisioningAdminRoutes } from './provisioning-admin-routes.js'
import type { AdminProvisioning } from './provisioning-deps.js'
import type { OAuthServices } from '../oauth/services.js'
import { oauthClientRoutes } from './oauth-client-routes.js'
import { federationTrustRoutes } from './federation-trust-routes.js'
import { requestLogRoutes } from '../request-log/admin-routes.js'
import { healthSummaryRoutes } from '../health/admin-routes.js'
import { chartRoutes } from '../charts/admin-routes.js'

export interface AdminRoutesOptions {
  db: Kysely<DB>
  tokens: TokenService
  /** OAuth clients and federation trusts (docs/oauth.md). */
  oauth: OAuthServices
  accessTokenLifetimeSeconds: number
  allowLoopbackIssuers: boolean
  adminTokens: AdminTokenVerifier
  /** The sync, built by the caller (app.ts): routes never build services. */
  sync: SyncService
  /** The removal brake's decisions; approving needs the reconcile queue. */
  removalBrake?: DecisionDeps | undefined
  /** Sealing, the reconcile queue and Meta clients, for the connection, rules and queue routes. */
  provisioning?: AdminProvisioning | undefined
}

/**
 * The admin API as one encapsulated scope, registered under /admin/v1: its own error handler
 * (first, so every route registered below inherits it) and an admin token on every route. Routes
 * declare their path, query and body as zod schemas (src/admin/zod-type-provider.ts). Everything
 * under `/tenants/:tenantId` is one scope that loads the tenant once (src/admin/tenant-scope.ts).
 */
export async function adminRoutes (app: FastifyInstance, opts: AdminRoutesOptions): Promise<void> {
  registerAdminErrorHandler(app)
  addAdminAuth(app, opts.adminTokens)
  app.setValidatorCompiler(zodValidatorCompiler)
  await app.register(tenantCollectionRoutes, { db: opts.db })
  await app.register(async (tenant) => {
    addTenantScope(tenant, { db: opts.db })
    await tenant.register(tenantRoutes, { db: opts.db, tokens: opts.tokens })
    await tenant.register(tokenRoutes, { tokens: opts.tokens })
    const { accessTokenLifetimeSeconds } = opts
    await tenant.register(oauthClientRoutes, { oauth: opts.oauth, accessTokenLifetimeSeconds })
    await tenant.register(federationTrustRoutes, { oauth: opts.oauth, allowLoopbackIssuers: opts.allowLoopbackIssuers })
    await tenant.register(syncRoutes, { db: opts.db, sync: opts.sync })
    await tenant.register(driftRoutes, { db: opts.db, sync: opts.sync })
    await tenant.register(brakeRoutes, { db: opts.db, queue: opts.removalBrake?.queue, now: opts.removalBrake?.now })
    await tenant.register(provisioningAdminRoutes, { db: opts.db, provisioning: opts.provisioning })
    await tenant.register(requestLogRoutes, { db: opts.db })
    await tenant.register(healthSummaryRoutes, { db: opts.db, governor: opts.provisioning?.clients.governor })
    await tenant.register(chartRoutes, { db: opts.db })
  }, { prefix: '/tenants/:tenantId' })
}
