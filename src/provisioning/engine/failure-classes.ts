import { isMetaApiError } from '../../meta/index.js'
import { currentTraceId } from '../adapters/meta-trace.js'
import { StaleRecordError } from '../records/people-repository.js'

/**
 * What a failed step means for the job (meta-graph-api.md §4.2, §4.3):
 * - retry: transient, throttled or unknown: the queue tries again with backoff;
 * - auth: the token is refused: the tenant is disconnected and its jobs wait;
 * - refused: the last admin (3914): reported, never retried;
 * - not_found: the invite or member is gone: look again and re-plan;
 * - failed: invalid or not permitted: recorded with Meta's message, not retried.
 */
export type FailureKind = 'retry' | 'auth' | 'refused' | 'not_found' | 'failed'

export interface Failure {
  kind: FailureKind
  message: string
  code: number | null
  traceId: string | null
  /** No answer (timeout, connection lost): a write may or may not have happened (§4.3). */
  unknownOutcome?: boolean
}

const LAST_ADMIN = 3914

export function classifyFailure (err: unknown): Failure {
  if (err instanceof StaleRecordError) return { kind: 'retry', message: err.message, code: null, traceId: null }
  if (!isMetaApiError(err)) throw err
  const message = err.userMessage ?? err.message
  const base = { message, code: err.code, traceId: err.fbtraceId ?? currentTraceId(), unknownOutcome: err.source === 'timeout' || err.source === 'network' }
  switch (err.errorClass) {
    case 'transient':
    case 'rate_limited':
    case 'unexpected':
      return { kind: 'retry', ...base }
    case 'auth':
      return { kind: 'auth', ...base }
    case 'not_found':
      return { kind: 'not_found', ...base }
    case 'business_rule':
      return { kind: err.code === LAST_ADMIN ? 'refused' : 'failed', ...base }
    case 'permission':
    case 'invalid_request':
      return { kind: 'failed', ...base }
  }
}
