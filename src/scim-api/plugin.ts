import type { FastifyInstance } from 'fastify'
import type { Metrics } from '../metrics/registry.js'
import { scimRoutes, type ScimRoutesOptions } from './routes/index.js'
import type { TokenService } from '../tenants/token-service.js'
import type { AccessTokenService } from '../oauth/access-tokens.js'
import { requestLogCapture } from '../request-log/capture-plugin.js'
import type { RequestLog } from '../request-log/request-log.js'
import { scimAuthPlugin } from './auth.js'
import { registerScimErrorHandlers } from './error-handler.js'
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
    db: opts.db, config: opts.config, accessChanges: opts.accessChanges, ...(opts.userExtensions === undefined ? {} : { userExtensions: opts.userExtensions })
  })
}
