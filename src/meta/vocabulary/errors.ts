import { classifyMetaError, isRetryableClass, type MetaErrorClass } from './error-table.js'

/**
 * Where the failure came from. `graph` = Meta answered with an error envelope (§4.1);
 * `timeout`/`network` = no answer, the outcome of a write is unknown (re-read before retrying,
 * §4.3); `response` = an answer that fails its schema or says `success: false`; `governor` = the
 * call was not sent because its rate-limit bucket is paused (§5.4); `unsupported` = not sent
 * because Meta's API has no such operation (§2.3: pixels cannot be un-assigned).
 */
export type MetaErrorSource = 'graph' | 'timeout' | 'network' | 'response' | 'governor' | 'unsupported'

export interface MetaApiErrorInit {
  message: string
  source: MetaErrorSource
  endpoint: string
  code?: number | null
  subcode?: number | null
  type?: string | null
  isTransient?: boolean
  fbtraceId?: string | null
  httpStatus?: number | null
  userTitle?: string | null
  userMessage?: string | null
  retryAfterMs?: number | null
  errorClass?: MetaErrorClass
  cause?: unknown
}

/** The one error type the Meta client throws (docs/meta-graph-api.md §4). */
export class MetaApiError extends Error {
  override readonly name = 'MetaApiError'
  readonly source: MetaErrorSource
  readonly errorClass: MetaErrorClass
  readonly code: number | null
  readonly subcode: number | null
  readonly type: string | null
  readonly isTransient: boolean
  readonly fbtraceId: string | null
  readonly httpStatus: number | null
  /** Method and path, e.g. `POST /v26.0/123/business_users`; never carries a token. */
  readonly endpoint: string
  readonly userTitle: string | null
  readonly userMessage: string | null
  /** For rate-limited errors: how long the governor keeps the bucket closed. */
  readonly retryAfterMs: number | null

  constructor (init: MetaApiErrorInit) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause })
    this.source = init.source
    this.code = init.code ?? null
    this.subcode = init.subcode ?? null
    this.type = init.type ?? null
    this.isTransient = init.isTransient ?? false
    this.fbtraceId = init.fbtraceId ?? null
    this.httpStatus = init.httpStatus ?? null
    this.endpoint = init.endpoint
    this.userTitle = init.userTitle ?? null
    this.userMessage = init.userMessage ?? null
    this.retryAfterMs = init.retryAfterMs ?? null
    this.errorClass = init.errorClass ?? classifyMetaError({
      code: this.code, subcode: this.subcode, isTransient: this.isTransient
    })
  }

  /** True when trying again later can succeed (transient or rate-limited). */
  get retryable (): boolean {
    return isRetryableClass(this.errorClass)
  }

  /** A log-safe summary (fbtrace_id is short-lived: log it at failure time, §4.1). */
  toJSON (): Record<string, unknown> {
    return {
      name: this.name,
      message: this.message,
      source: this.source,
      errorClass: this.errorClass,
      code: this.code,
      subcode: this.subcode,
      type: this.type,
      isTransient: this.isTransient,
      fbtraceId: this.fbtraceId,
      httpStatus: this.httpStatus,
      endpoint: this.endpoint,
      retryAfterMs: this.retryAfterMs
    }
  }
}

export function isMetaApiError (value: unknown): value is MetaApiError {
  return value instanceof MetaApiError
}
