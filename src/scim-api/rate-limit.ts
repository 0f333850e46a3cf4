import type { FastifyInstance, FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify'
import fp from 'fastify-plugin'
import { ScimError } from '../scim/errors.js'
import type { Metrics } from '../metrics/registry.js'
import { TokenBuckets } from '../http/token-bucket.js'

export interface RateLimitOptions {
  /** SCIM_RATE_LIMIT_PER_MINUTE; 0 turns the limit off. */
  perMinute: number
  /** SCIM_RATE_LIMIT_BURST; 0 means ten seconds' worth of the rate. */
  burst: number
  metrics: Metrics
  now?: () => number
}

/**
 * A 429 that the app's error handler sends as an RFC 7644 §3.12 body (429 itself is RFC 6585
 * §4), with the `Retry-After` header taken from `headers`.
 */
export class TooManyRequestsError extends ScimError {
  readonly headers: Record<string, string>
  constructor (retryAfterSeconds: number, detail: string) {
    super(429, undefined, detail)
    this.headers = { 'retry-after': String(retryAfterSeconds) }
  }
}

/** Ten seconds' worth of the rate, at least one request, when no burst is configured. */
export function effectiveBurst (perMinute: number, burst: number): number {
  return burst > 0 ? burst : Math.max(1, Math.ceil(perMinute / 6))
}

/**
 * Per-tenant request limit on the SCIM scope. Registered after the SCIM auth plugin in the same
 * scope: the tenant is known only once the bearer token is verified, and onRequest hooks run in
 * registration order. Unauthenticated requests never reach it (auth answers 401 first).
 */
export const rateLimitPlugin = fp(async (app: FastifyInstance, opts: RateLimitOptions) => {
  if (opts.perMinute <= 0) return
  const burst = effectiveBurst(opts.perMinute, opts.burst)
  const buckets = new TokenBuckets({ perMinute: opts.perMinute, burst, now: opts.now })

  app.addHook('onRequest', (request: FastifyRequest, _reply: FastifyReply, done: HookHandlerDoneFunction) => {
    const result = buckets.take(request.tenantId)
    if (result.allowed) { done(); return }
    opts.metrics.recordRateLimited()
    done(new TooManyRequestsError(result.retryAfterSeconds,
      `this tenant sent more than ${opts.perMinute} requests per minute; retry after ${result.retryAfterSeconds} s`))
  })
}, { name: 'scim-rate-limit', dependencies: ['scim-auth'] })
