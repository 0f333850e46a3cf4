import type { SimContext } from '../context.js'
import { authenticate, authorize, type ProofState } from './auth.js'
import { recordableParams, type CallLog } from './call-log.js'
import { defaultErrorStatus, type Fault, type FaultQueue } from './faults.js'
import { GraphError, newTraceId, unknownPath } from './graph-error.js'
import type { BucketRef, RateLimiter } from './rate-limiter.js'
import type { GraphRequest, GraphResponse } from './request.js'
import { checkPermissions } from './permissions.js'
import { resolveRoute, type Route } from './router.js'

/** Runs a batch; supplied by the batch module to keep the dependency one-way. */
export type BatchRunner = (req: GraphRequest) => Promise<GraphResponse>

/** What a call produced: an answer, or (inside a batch) nothing because it did not finish. */
export type Outcome = GraphResponse | { unfinished: true }

export interface DispatchOptions {
  /** Batch operations share the batch's time budget for injected delays (§1.6). */
  batchDelayBudgetMs?: number
}

/**
 * Runs one Graph call through the same checks Meta applies: version (§1.1), token and
 * appsecret_proof (§7), route, rate limit (§5), injected faults, permissions (§2.1, §7) and the
 * handler's own rules. Usage headers go on every answer once the call counted.
 */
export class GraphDispatcher {
  batchRunner: BatchRunner | null = null

  constructor (
    private readonly ctx: SimContext,
    private readonly limiter: RateLimiter,
    private readonly faults: FaultQueue,
    private readonly log: CallLog
  ) {}

  async handle (req: GraphRequest, options: DispatchOptions = {}): Promise<Outcome> {
    const trace = newTraceId()
    const path = `/${req.version ?? ''}${req.version === null ? '' : '/'}${req.segments.join('/')}`
    let routeName = 'unknown'
    let bucketKey: string | null = null
    let blocked = false
    let proof: ProofState = 'none'
    const headers: Record<string, string> = { 'x-fb-trace-id': trace }
    const answer = (status: number, body: unknown): GraphResponse => {
      const code = typeof body === 'object' && body !== null && 'error' in body
        ? Number((body as { error: { code?: unknown } }).error.code)
        : null
      this.log.add({
        at: this.ctx.now(),
        method: req.method,
        path,
        route: routeName,
        status,
        errorCode: code,
        traceId: headers['x-fb-trace-id'] ?? null,
        bucket: bucketKey,
        blocked,
        inBatch: req.inBatch,
        proof,
        tokenVia: req.tokenVia,
        params: recordableParams(req.params),
        bodyEncoding: req.bodyEncoding
      })
      return { status, body, headers }
    }
    const fail = (e: GraphError): GraphResponse => answer(e.spec.status, e.envelope(trace))

    const { settings } = this.ctx
    if (req.version === null ? !settings.allowUnversioned : !settings.versions.includes(req.version)) {
      return fail(new GraphError(settings.deprecatedVersionError))
    }
    if (req.segments.length === 0) {
      routeName = 'batch'
      if (req.method !== 'POST' || req.inBatch || this.batchRunner === null) return fail(unknownPath(''))
      const res = await this.batchRunner(req)
      Object.assign(headers, res.headers)
      return answer(res.status, res.body)
    }
    const auth = authenticate(this.ctx, req)
    proof = auth.proof
    if ('error' in auth) return fail(auth.error)
    const resolved = resolveRoute(this.ctx, req, auth.token.businessId)
    const route: Route | null = resolved instanceof GraphError ? null : resolved
    routeName = route?.name ?? 'unknown'
    const ref = this.bucketRef(route, auth.app.id)
    bucketKey = ref.key
    const { allowed } = this.limiter.consume(ref)
    Object.assign(headers, this.limiter.headers(ref, auth.token.businessId))
    if (!allowed) {
      blocked = true
      const spec = ref.kind === 'app' ? settings.rateLimits.appThrottle : settings.rateLimits.bucThrottle[ref.type] ?? settings.rateLimits.appThrottle
      return fail(new GraphError(spec))
    }
    if (route === null) return fail(resolved as GraphError)

    const fault = this.faults.take(route.name, path, req.inBatch)
    if (fault !== null) {
      const injected = await this.applyFault(fault, req, options, headers)
      if (injected === 'unfinished') {
        answer(0, null) // logged with status 0: the operation never finished
        return { unfinished: true }
      }
      if (injected !== null) return answer(injected.status, injected.body)
    }
    const denied = authorize(this.ctx, auth, route.businessId, route.name, route.peopleWrite)
    if (denied !== null) return fail(denied)
    const lacking = checkPermissions(this.ctx, req, auth.token, route.name)
    if (lacking !== null) return fail(lacking)
    try {
      const body = route.run({ ctx: this.ctx, req, token: auth.token, businessId: route.businessId })
      // The work is done on Meta's side; the caller hears of it only after the hold.
      if (fault?.holdAnswerMs !== undefined && fault.holdAnswerMs > 0) await delay(fault.holdAnswerMs, req.signal)
      return answer(200, body)
    } catch (err) {
      if (err instanceof GraphError) return fail(err)
      return fail(new GraphError({ code: 1, type: 'OAuthException', status: 500, message: `An unknown error occurred (${err instanceof Error ? err.message : String(err)})` }))
    }
  }

  private bucketRef (route: Route | null, appId: string): BucketRef {
    const spec = route?.bucket ?? { kind: 'app' as const }
    if (spec.kind === 'app') return { key: `app:${appId}`, kind: 'app', objectId: appId, type: 'app', adAccount: false }
    return { key: `buc:${spec.objectId}:${spec.type}`, kind: 'buc', objectId: spec.objectId, type: spec.type, adAccount: spec.adAccount }
  }

  private async applyFault (fault: Fault, req: GraphRequest, options: DispatchOptions, headers: Record<string, string>): Promise<GraphResponse | 'unfinished' | null> {
    if (req.inBatch && fault.batchNull === true) return 'unfinished'
    if (fault.delayMs !== undefined && fault.delayMs > 0) {
      if (options.batchDelayBudgetMs !== undefined && fault.delayMs > options.batchDelayBudgetMs) return 'unfinished'
      await delay(fault.delayMs, req.signal)
    }
    Object.assign(headers, fault.headers ?? {})
    if (fault.error !== undefined) {
      const e = fault.error
      return {
        status: fault.status ?? defaultErrorStatus(e.code),
        headers,
        body: {
          error: {
            message: e.message ?? `(#${e.code}) Injected error`,
            type: e.type ?? 'OAuthException',
            code: e.code,
            ...(e.error_subcode === undefined ? {} : { error_subcode: e.error_subcode }),
            ...(e.is_transient === undefined ? {} : { is_transient: e.is_transient }),
            ...(e.error_user_title === undefined ? {} : { error_user_title: e.error_user_title }),
            ...(e.error_user_msg === undefined ? {} : { error_user_msg: e.error_user_msg }),
            fbtrace_id: headers['x-fb-trace-id']
          }
        }
      }
    }
    if (fault.body !== undefined) return { status: fault.status ?? 200, headers, body: fault.body }
    return null
  }
}

/** Waits, or stops early when the caller hung up (so a timed-out client frees the server). */
async function delay (ms: number, signal?: AbortSignal): Promise<void> {
  await new Promise<void>(resolve => {
    const timer = setTimeout(done, ms)
    function done (): void {
      clearTimeout(timer)
      signal?.removeEventListener('abort', done)
      resolve()
    }
    signal?.addEventListener('abort', done, { once: true })
  })
}
