import type { FastifyInstance } from 'fastify'
import type { Kysely } from 'kysely'
import type { DB } from '../db/schema.js'
import type { TokenService } from '../tenants/token-service.js'
import { addAdminAuth } from './admin-auth.js'
import type { AdminTokenVerifier } from './admin-token-verifier.js'
import { tenantRoutes } from './tenant-routes.js'
import { tokenRoutes } from './token-routes.js'

export interface AdminRoutesOptions {
  db: Kysely<DB>
  tokens: TokenService
  adminTokens: AdminTokenVerifier
}

/** The admin API, registered under /admin/v1; every route needs an admin token. */
export async function adminRoutes (app: FastifyInstance, opts: AdminRoutesOptions): Promise<void> {
  addAdminAuth(app, opts.adminTokens)
  await app.register(tenantRoutes, { db: opts.db })
  await app.register(tokenRoutes, { db: opts.db, tokens: opts.tokens })
}
