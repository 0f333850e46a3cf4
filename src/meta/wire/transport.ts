import { appSecretParams } from './appsecret-proof.js'
import type { MetaCallObserver, MetaCallReport } from './call-report.js'
import type { Clock } from '../governor/clock.js'
import { MetaApiError } from '../vocabulary/errors.js'
import type { CallScope, MetaGovernor, Permit } from '../governor/governor.js'
import { errorFromBody, throttleFacts } from './response.js'
import { parseUsageHeaders } from '../governor/usage-headers.js'

export type HttpMethod = 'GET' | 'POST' | 'DELETE'
export type ParamValue = string | number | boolean | readonly string[]
export type Params = Record<string, ParamValue | undefined>

export interface TransportOptions {
  graphUrl: string
  apiVersion: string
  accessToken: string
  appSecret?: string
  timeoutMs: number
  governor: MetaGovernor
  clock: Clock
  /**
   * Runs the per-request timeout (defaults to `clock`). Separate so a test can hold a request's
   * timeout in its hand while retries and the governor keep real time.
   */
  timeoutClock?: Clock
  /** The setting that controls `graphUrl`, named in connection errors (e.g. META_GRAPH_URL). */
  graphUrlSetting?: string
  fetch: typeof fetch
  /** Longest a call waits for a paused bucket before failing fast (defaults to the governor's). */
  maxGovernorWaitMs?: number
  /** Told how every call ended (metrics); never allowed to fail a call. */
  onCall?: MetaCallObserver
}

export interface GraphCall {
  method: HttpMethod
  /** Path below the version, e.g. `123/business_users`; '' for the batch endpoint. */
  path: string
  params?: Params
  scope: CallScope | readonly CallScope[]
  signal?: AbortSignal
}

export interface GraphAnswer {
  status: number
  body: unknown
  headers: Headers
}

/**
 * §1.3: query strings and form bodies (the batch endpoint and its operations) carry lists
 * JSON-encoded (`tasks=["MANAGE","ADVERTISE"]`).
 */
export function encodeParams (params: Params | undefined): URLSearchParams {
  const out = new URLSearchParams()
  for (const [key, value] of Object.entries(params ?? {})) {
    if (value === undefined) continue
    out.set(key, Array.isArray(value) ? JSON.stringify(value) : String(value))
  }
  return out
}

/**
 * §1.3/§2.3: the JSON body of a POST, lists as JSON arrays. Every edge the client posts to
 * accepts JSON (Meta's Node SDK posts JSON), while Instagram's assigned_users refuses form
 * bodies with JSON-string lists.
 */
export function jsonBody (params: Params | undefined): string {
  return JSON.stringify(Object.fromEntries(Object.entries(params ?? {}).filter(([, v]) => v !== undefined)))
}

/**
 * Sends one Graph request: governor permit, Bearer token (never in the URL, DESIGN "Meta side"),
 * a fresh timestamped appsecret_proof (§7), a timeout, usage headers fed back on every answer
 * (§5.2), and error envelopes turned into MetaApiError by body (§4.1). No retries here.
 */
export class GraphTransport {
  private readonly base: string

  constructor (readonly options: TransportOptions) {
    this.base = `${options.graphUrl.replace(/\/+$/, '')}/${options.apiVersion}`
  }

  endpoint (method: HttpMethod, path: string): string {
    return `${method} /${this.options.apiVersion}/${path}`
  }

  async send (call: GraphCall): Promise<GraphAnswer> {
    return await this.exchange(call, (answer) => answer)
  }

  /**
   * `send`, with the answer read by `read` (schema validation) before the call counts as a
   * success: `onCall` hears once how it ended, an answer that fails `read` included. A call the
   * governor refuses is `not_sent`; one the caller aborted is not reported.
   */
  async exchange<T> (call: GraphCall, read: (answer: GraphAnswer) => T): Promise<T> {
    const endpoint = this.endpoint(call.method, call.path)
    const scopes = Array.isArray(call.scope) ? call.scope as readonly CallScope[] : [call.scope as CallScope]
    const { governor } = this.options
    let permit: Permit
    try {
      permit = await governor.acquire(scopes, {
        signal: call.signal, endpoint, maxWaitMs: this.options.maxGovernorWaitMs
      })
    } catch (err) {
      if (err instanceof MetaApiError && err.source === 'governor') this.report({ endpoint, outcome: 'not_sent' })
      throw err
    }
    const started = performance.now()
    const ended = (outcome: MetaCallReport['outcome']): void => {
      this.report({ endpoint, outcome, durationSeconds: (performance.now() - started) / 1000 })
    }
    let answer: GraphAnswer
    try {
      answer = await this.fetchOnce(call, endpoint)
    } catch (err) {
      permit.abandon()
      if (err instanceof MetaApiError) ended(err.errorClass)
      throw err
    }
    const report = parseUsageHeaders(name => answer.headers.get(name))
    const error = errorFromBody(answer.body, answer.status, endpoint, answer.headers)
    permit.complete(report, error === null ? null : throttleFacts(error))
    if (error !== null) {
      ended(error.errorClass)
      if (error.errorClass !== 'rate_limited') throw error
      throw withRetryAfter(error, governor.retryAfterMs(scopes[0] ?? { platform: true }))
    }
    let value: T
    try {
      value = read(answer)
    } catch (err) {
      ended(err instanceof MetaApiError ? err.errorClass : 'unexpected')
      throw err
    }
    ended('success')
    return value
  }

  /** Tells the observer; a failing observer is ignored (metrics never fail a call). */
  report (report: MetaCallReport): void {
    try {
      this.options.onCall?.(report)
    } catch {}
  }

  private async fetchOnce (call: GraphCall, endpoint: string): Promise<GraphAnswer> {
    const { accessToken, appSecret, clock, timeoutMs } = this.options
    const batch = call.path === ''
    const url = new URL(batch ? `${this.base}/` : `${this.base}/${call.path}`)
    const headers: Record<string, string> = { authorization: `Bearer ${accessToken}`, accept: 'application/json' }
    // The proof goes with the parameters: in the query, or in the form body of a batch (§7).
    const proof = appSecret === undefined ? {} : appSecretParams(accessToken, appSecret, clock.now())
    let body: string | undefined
    if (call.method === 'POST' && batch) {
      headers['content-type'] = 'application/x-www-form-urlencoded'
      body = encodeParams({ ...call.params, ...proof }).toString()
    } else if (call.method === 'POST') {
      headers['content-type'] = 'application/json'
      body = jsonBody(call.params)
      url.search = encodeParams(proof).toString()
    } else {
      url.search = encodeParams({ ...call.params, ...proof }).toString()
    }
    const timeout = new AbortController()
    const callEnded = new AbortController()
    // The timeout runs on the injected clock; ending the call stops it (no timer left behind).
    void (this.options.timeoutClock ?? clock).sleep(timeoutMs, callEnded.signal)
      .then(() => { timeout.abort(new Error(`no answer within ${timeoutMs} ms`)) }, () => {})
    const signal = call.signal === undefined ? timeout.signal : AbortSignal.any([timeout.signal, call.signal])
    try {
      const res = await this.options.fetch(url, { method: call.method, headers, body, signal })
      const text = await res.text()
      return { status: res.status, body: parseBody(text), headers: res.headers }
    } catch (err) {
      if (call.signal?.aborted === true) throw call.signal.reason
      const timedOut = timeout.signal.aborted
      throw new MetaApiError({
        message: timedOut ? `no answer within ${timeoutMs} ms` : this.connectionFailure(err),
        source: timedOut ? 'timeout' : 'network',
        errorClass: 'transient',
        endpoint,
        cause: err
      })
    } finally {
      callEnded.abort()
    }
  }

  /** "fetch failed" alone does not say where: name the URL tried and the setting behind it. */
  private connectionFailure (err: unknown): string {
    const cause = err instanceof Error && err.cause instanceof Error ? `: ${err.cause.message}` : ''
    const setting = this.options.graphUrlSetting === undefined ? '' : ` (set by ${this.options.graphUrlSetting})`
    return `request to ${this.options.graphUrl}${setting} failed: ${describe(err)}${cause}`
  }
}

function parseBody (text: string): unknown {
  if (text === '') return null
  try {
    return JSON.parse(text)
  } catch {
    return { __unparsable: text.slice(0, 200) }
  }
}

function describe (err: unknown): string {
  return err instanceof Error ? err.message : String(err)
}

function withRetryAfter (error: MetaApiError, retryAfterMs: number): MetaApiError {
  return new MetaApiError({
    message: error.message,
    source: error.source,
    endpoint: error.endpoint,
    code: error.code,
    subcode: error.subcode,
    type: error.type,
    isTransient: error.isTransient,
    fbtraceId: error.fbtraceId,
    httpStatus: error.httpStatus,
    userTitle: error.userTitle,
    userMessage: error.userMessage,
    errorClass: error.errorClass,
    retryAfterMs
  })
}
