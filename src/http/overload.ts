import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { scimErrorBody } from '../scim/errors.js'
import { SCIM_CONTENT_TYPE } from './error-handler.js'
import type { Metrics } from './metrics-registry.js'
import type { OverloadReason } from './metrics-types.js'
import { createProcessProbe, type OverloadProbe, type ProcessLoad } from './overload-probe.js'

export interface OverloadOptions {
  /** OVERLOAD_MAX_EVENT_LOOP_DELAY_MS; 0 turns this check off. */
  maxEventLoopDelayMs: number
  /** OVERLOAD_MAX_HEAP_BYTES; 0 turns this check off. */
  maxHeapBytes: number
  /** OVERLOAD_RETRY_AFTER_SECONDS */
  retryAfterSeconds: number
  metrics: Metrics
  /** Defaults to sampling this process; tests inject fixed readings. */
  probe?: OverloadProbe
}

// Orchestrators and Prometheus must still reach these while the process sheds load: a liveness
// probe that fails under load restarts a process that would have recovered.
const EXEMPT_ROUTES = new Set(['/healthz', '/readyz', '/metrics'])
const SCIM_PATH = /^\/scim\/v2(\/|\?|$)/i

export function overloadReason (load: ProcessLoad, opts: Pick<OverloadOptions, 'maxEventLoopDelayMs' | 'maxHeapBytes'>): OverloadReason | null {
  if (opts.maxEventLoopDelayMs > 0 && load.eventLoopDelayMs > opts.maxEventLoopDelayMs) return 'event_loop_delay'
  if (opts.maxHeapBytes > 0 && load.heapUsedBytes > opts.maxHeapBytes) return 'heap'
  return null
}

function shed (request: FastifyRequest, reply: FastifyReply, retryAfterSeconds: number): FastifyReply {
  const detail = 'the service is overloaded; retry later'
  void reply.code(503).header('retry-after', String(retryAfterSeconds))
  // The answer is sent here, not thrown: the error handler logs every 5xx at error level, and
  // a log line per shed request would add load exactly when there is too much.
  if (SCIM_PATH.test(request.url)) return reply.type(SCIM_CONTENT_TYPE).send(scimErrorBody(503, detail))
  return reply.send({ error: 'service_unavailable', message: detail, status: 503 })
}

/**
 * Answers 503 with Retry-After while the event loop lags or the heap is too full, so IdPs back
 * off and retry instead of timing out (Entra gives up on a request after 60 s and quarantines
 * a job that keeps failing, idp-behaviour.md §C). Registered before auth: a shed request costs
 * no token lookup.
 */
export const overloadPlugin = fp(async (app: FastifyInstance, opts: OverloadOptions) => {
  if (opts.maxEventLoopDelayMs <= 0 && opts.maxHeapBytes <= 0) return
  const probe = opts.probe ?? createProcessProbe()
  let state: OverloadReason | null = null
  const detach = opts.metrics.observeOverload(() => {
    const load = probe.current()
    return { ...load, overloaded: overloadReason(load, opts) }
  })
  app.addHook('onClose', async () => {
    detach()
    probe.stop()
  })

  app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    if (EXEMPT_ROUTES.has(request.routeOptions.url ?? '')) return
    const load = probe.current()
    const reason = overloadReason(load, opts)
    if (reason !== state) {
      // Logged on change only: one line when shedding starts, one when it stops.
      if (reason !== null) request.log.warn({ reason, ...load }, 'overloaded: answering 503')
      else request.log.info({ ...load }, 'load back to normal')
      state = reason
    }
    if (reason === null) return
    opts.metrics.recordOverloadRejection(reason)
    return shed(request, reply, opts.retryAfterSeconds)
  })
}, { name: 'overload' })
