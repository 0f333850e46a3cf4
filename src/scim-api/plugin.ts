import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { Metrics } from '../metrics/registry.js'
import { scimRoutes, type ScimRoutesOptions } from './routes/index.js'
import type { TokenService } from '../tenants/token-service.js'
import type { AccessTokenService } from '../oauth/access-tokens.js'
import { requestLogCapture } from '../request-log/capture-plugin.js'
import type { RequestLog } from '../request-log/request-log.js'
import { scimAuthPlugin } from './auth.js'
import { registerScimErrorHandlers, sendScimNotFound } from './error-handler.js'
import { routerRefusal } from '../http/framework-errors.js'
import { operationMetricsPlugin } from './operation-metrics.js'
import { rateLimitPlugin } from './rate-limit.js'

export interface ScimApiOptions extends ScimRoutesOptions {
  tokens: TokenService
  /** Access tokens issued by `POST /oauth/token`, accepted next to the static tokens. */
  accessTokens?: AccessTokenService | undefined
  metrics: Metrics
  rateLimit: { perMinute: number, burst: number }
  /** Clock of the per-tenant rate limit (tests). */
  now?: (() => number) | undefined
  /** The SCIM request log (docs/operations.md); absent or disabled logs nothing. */
  requestLog?: RequestLog | undefined
}

/** Where the SCIM API is mounted; RFC 7644 leaves the base URL to the service provider. */
export const SCIM_PREFIX = '/scim/v2'

/**
 * The SCIM API as one encapsulated scope, registered under `SCIM_PREFIX`: the routes with their
 * authentication, per-tenant limit, SCIM error and not-found bodies and operation metrics, so
 * no spelling of a path can reach a handler past them and nothing outside the scope matches
 * URLs to find out whether a request is SCIM.
 */
export async function scimApi (scope: FastifyInstance, opts: ScimApiOptions): Promise<void> {
  registerScimErrorHandlers(scope)
  await scope.register(operationMetricsPlugin, { metrics: opts.metrics })
  if (opts.requestLog?.settings.enabled === true) await scope.register(requestLogCapture, { log: opts.requestLog })
  await scope.register(scimAuthPlugin, { tokens: opts.tokens, accessTokens: opts.accessTokens })
  // After auth: the limit is per tenant, and the tenant is known once the token is verified.
  await scope.register(rateLimitPlugin, { ...opts.rateLimit, metrics: opts.metrics, now: opts.now })
  await scope.register(scimRoutes, {
    db: opts.db,
    config: opts.config,
    accessChanges: opts.accessChanges,
    ...(opts.userExtensions === undefined ? {} : { userExtensions: opts.userExtensions })
  })
  // The router finds routes in any case and with doubled slashes (app.ts: routerOptions), but
  // Fastify builds its not-found lookup without those options, so `/scim//v2/Nope` or `/SCIM/v2/x`
  // would miss this scope's not-found handler and get the app's JSON body. A catch-all route,
  // matched by the same router as every SCIM route, answers those with the SCIM 404 (RFC 7644
  // §3.12) after the scope's auth and limit, exactly as the not-found handler does.
  const catchAll = (request: FastifyRequest, reply: FastifyReply): FastifyReply => {
    const refused = routerRefusal(request.url)
    if (refused !== undefined) throw refused
    return sendScimNotFound(request, reply)
  }
  // `/*` does not match the bare prefix (`//scim/v2/`), so the root has its own.
  scope.all('/', catchAll)
  scope.all('/*', catchAll)
}
