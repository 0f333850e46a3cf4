import { randomUUID } from 'node:crypto'
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify'
import sensible from '@fastify/sensible'
import type { Kysely } from 'kysely'
import type { Config } from './config.js'
import type { DB } from './db/schema.js'
import { errorHandlerPlugin } from './http/error-handler.js'
import { healthRoutes } from './http/health.js'
import { scimAuthPlugin } from './http/scim-auth.js'
import { scimRoutes } from './scim/routes/index.js'
import { noopAccessChangeSink, type AccessChangeSink } from './directory/access-change-sink.js'
import { TokenService } from './tenants/token-service.js'
import { adminRoutes } from './admin/index.js'
import { AdminTokenVerifier } from './admin/admin-token-verifier.js'
import { openapiRoute } from './http/openapi-route.js'

export interface RegisteredRoute { method: string, url: string }

declare module 'fastify' {
  interface FastifyInstance {
    /** Every route as registered, for the OpenAPI contract test. */
    registeredRoutes: RegisteredRoute[]
  }
}

export interface AppDeps {
  config: Config
  db: Kysely<DB>
  logger: FastifyBaseLogger
  tokens?: TokenService
  adminTokens?: AdminTokenVerifier
  accessChanges?: AccessChangeSink
}

/**
 * The HTTP application without a listening socket: the entry point listens, tests inject.
 * Plugins and routes are registered explicitly, in order (no autoload).
 */
export async function buildApp (deps: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: deps.logger,
    bodyLimit: deps.config.bodyLimitBytes,
    trustProxy: deps.config.trustProxy,
    // Okta's and Entra's paths differ in case and trailing slashes (idp-behaviour.md §B, §C).
    routerOptions: { caseSensitive: false, ignoreTrailingSlash: true, ignoreDuplicateSlashes: true },
    requestIdHeader: 'x-request-id',
    genReqId: () => randomUUID(),
    return503OnClosing: true
  })
  const tokens = deps.tokens ?? new TokenService(deps.db)
  const routes: RegisteredRoute[] = []
  app.decorate('registeredRoutes', routes)
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) routes.push({ method, url: route.url })
  })

  app.addHook('onSend', async (request, reply) => {
    void reply.header('x-request-id', request.id)
  })
  // RFC 7644 §3.1: SCIM bodies are application/scim+json; parse them like JSON.
  app.addContentTypeParser(['application/scim+json'], { parseAs: 'string' }, app.getDefaultJsonParser('error', 'error'))

  await app.register(sensible)
  await app.register(errorHandlerPlugin)
  await app.register(healthRoutes, { db: deps.db })
  await app.register(openapiRoute)
  await app.register(adminRoutes, {
    prefix: '/admin/v1',
    db: deps.db,
    tokens,
    adminTokens: deps.adminTokens ?? new AdminTokenVerifier(deps.db, deps.config.adminToken)
  })
  await app.register(scimAuthPlugin, { tokens })
  await app.register(async (scim) => {
    await scim.register(scimRoutes, {
      db: deps.db,
      config: { scimMaxPageSize: deps.config.scimMaxPageSize, publicBaseUrl: deps.config.publicBaseUrl },
      accessChanges: deps.accessChanges ?? noopAccessChangeSink
    })
  }, { prefix: '/scim/v2' })

  return app
}
