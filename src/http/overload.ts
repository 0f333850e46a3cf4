import type { FastifyInstance, FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify'
import fp from 'fastify-plugin'
import { ScimError } from '../scim/errors.js'
import type { Metrics } from '../metrics/registry.js'
import type { OverloadReason } from '../metrics/types.js'
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

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * Answered even while the process sheds load. Orchestrators and Prometheus must still reach
     * `/healthz`, `/readyz` and `/metrics`: a liveness probe that fails under load restarts a
     * process that would have recovered.
     */
    notShed?: boolean
  }
}

/** The route options of a route that is never shed. */
export const notShed = { notShed: true } as const

export function overloadReason (load: ProcessLoad, opts: Pick<OverloadOptions, 'maxEventLoopDelayMs' | 'maxHeapBytes'>): OverloadReason | null {
  if (opts.maxEventLoopDelayMs > 0 && load.eventLoopDelayMs > opts.maxEventLoopDelayMs) return 'event_loop_delay'
  if (opts.maxHeapBytes > 0 && load.heapUsedBytes > opts.maxHeapBytes) return 'heap'
  return null
}

/**
 * The 503 a shed request gets, with Retry-After (RFC 9110 §15.6.4, §10.2.3). Thrown, so each
 * API's error handler gives it that API's body; as a ScimError it is not logged per request,
 * since a log line per shed request would add load exactly when there is too much.
 */
export class OverloadedError extends ScimError {
  readonly headers: Record<string, string>
  constructor (retryAfterSeconds: number) {
    super(503, undefined, 'the service is overloaded; retry later')
    this.headers = { 'retry-after': String(retryAfterSeconds) }
  }
}

/**
 * Answers 503 with Retry-After while the event loop lags or the heap is too full, so IdPs back
 * off and retry instead of timing out (Entra gives up on a request after 60 s and quarantines
 * a job that keeps failing, docs/idp-behaviour.md §C). Registered before auth: a shed request costs
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

  // Callback-style: every request passes here, and a promise each would cost more than the check.
  app.addHook('onRequest', (request: FastifyRequest, _reply: FastifyReply, done: HookHandlerDoneFunction) => {
    if (request.routeOptions.config.notShed === true) { done(); return }
    const load = probe.current()
    const reason = overloadReason(load, opts)
    if (reason !== state) {
      // Logged on change only: one line when shedding starts, one when it stops.
      if (reason !== null) request.log.warn({ reason, ...load }, 'overloaded: answering 503')
      else request.log.info({ ...load }, 'load back to normal')
      state = reason
    }
    if (reason === null) { done(); return }
    opts.metrics.recordOverloadRejection(reason)
    done(new OverloadedError(opts.retryAfterSeconds))
  })
}, { name: 'overload' })
