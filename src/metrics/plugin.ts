import { createHash, timingSafeEqual } from 'node:crypto'
import type { FastifyInstance, FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify'
import fp from 'fastify-plugin'
import type { Metrics } from './registry.js'
import { notShed } from '../http/overload.js'

export interface MetricsPluginOptions {
  metrics: Metrics
  /** METRICS_TOKEN: when set, `/metrics` wants `Authorization: Bearer <token>`. */
  token: string | undefined
}

const BEARER = /^Bearer\s+(\S+)\s*$/i

/**
 * Constant-time comparison of the presented token with the configured one. Hashing first makes
 * both sides the same length, so neither the content nor the length leaks through timing.
 */
export function tokenMatches (presented: string, expected: string): boolean {
  const a = createHash('sha256').update(presented).digest()
  const b = createHash('sha256').update(expected).digest()
  return timingSafeEqual(a, b)
}

function authorized (request: FastifyRequest, token: string): boolean {
  const match = BEARER.exec(request.headers.authorization ?? '')
  return match?.[1] !== undefined && tokenMatches(match[1], token)
}

/**
 * Records every response (route pattern, never the raw URL, so ids and query strings cannot
 * become label values) and serves `/metrics` in the Prometheus text format. Registered before
 * every route so that all of them, the 404 handler included, inherit the hook.
 */
export const metricsPlugin = fp(async (app: FastifyInstance, opts: MetricsPluginOptions) => {
  const { metrics, token } = opts

  app.addHook('onResponse', (request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction) => {
    metrics.recordHttpRequest({
      method: request.method,
      route: request.routeOptions.url,
      status: reply.statusCode,
      durationSeconds: reply.elapsedTime / 1000
    })
    done()
  })

  // Scraped every few seconds: log only problems.
  app.get('/metrics', { logLevel: 'warn', config: notShed }, async (request, reply) => {
    if (token !== undefined && !authorized(request, token)) {
      // RFC 6750 §3: name the scheme; a separate realm from SCIM's, since SCIM tokens do not work here.
      return await reply.code(401).header('www-authenticate', 'Bearer realm="metrics"')
        .send({ error: 'unauthorized', message: 'send the METRICS_TOKEN as a bearer token', status: 401 })
    }
    const { contentType, body } = await metrics.render()
    return await reply.type(contentType).send(body)
  })
}, { name: 'metrics' })
