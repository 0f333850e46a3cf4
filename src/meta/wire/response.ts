import type { z } from 'zod'
import { MetaApiError } from '../vocabulary/errors.js'
import type { ThrottleFacts } from '../governor/governor-types.js'
import { GraphErrorEnvelopeSchema } from '../vocabulary/schemas.js'

function isRecord (value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/**
 * Turns an answer into a MetaApiError when it is one, judging by the body (§4.1): an `error`
 * envelope whatever the HTTP status, `{"success": false}` even with 200 (py-sdk
 * `FacebookResponse.is_success`: "API can return a success 200 when service unavailable
 * occurs"), or a non-JSON / error-status answer without an envelope.
 */
export function errorFromBody (
  body: unknown,
  httpStatus: number,
  endpoint: string,
  headers?: { get: (name: string) => string | null }
): MetaApiError | null {
  const envelope = GraphErrorEnvelopeSchema.safeParse(body)
  if (envelope.success) {
    const e = envelope.data.error
    return new MetaApiError({
      message: e.message,
      source: 'graph',
      endpoint,
      code: e.code ?? null,
      subcode: e.error_subcode ?? null,
      type: e.type ?? null,
      isTransient: e.is_transient ?? false,
      fbtraceId: e.fbtrace_id ?? headers?.get('x-fb-trace-id') ?? null,
      httpStatus,
      userTitle: e.error_user_title ?? null,
      userMessage: e.error_user_msg ?? null
    })
  }
  const unparsable = isRecord(body) && '__unparsable' in body
  const successFalse = isRecord(body) && body.success === false
  if (!unparsable && !successFalse && httpStatus < 400) return null
  const serverSide = httpStatus >= 500 || successFalse
  return new MetaApiError({
    message: successFalse
      ? 'Meta answered success: false'
      : `unexpected ${unparsable ? 'non-JSON ' : ''}answer with HTTP ${httpStatus}`,
    source: 'response',
    errorClass: serverSide ? 'transient' : 'unexpected',
    endpoint,
    httpStatus,
    fbtraceId: headers?.get('x-fb-trace-id') ?? null
  })
}

export function throttleFacts (error: MetaApiError): ThrottleFacts | null {
  if (error.errorClass !== 'rate_limited' || error.code === null) return null
  return { code: error.code, subcode: error.subcode }
}

/** Validates a successful body; a mismatch is an `unexpected` error, never silently accepted. */
export function parseWith<S extends z.ZodType> (schema: S, body: unknown, endpoint: string): z.infer<S> {
  const parsed = schema.safeParse(body)
  if (parsed.success) return parsed.data
  const issue = parsed.error.issues[0]
  const where = issue === undefined ? '' : ` at ${issue.path.join('.') || '(root)'}: ${issue.message}`
  throw new MetaApiError({
    message: `answer does not match the expected shape${where}`,
    source: 'response',
    errorClass: 'unexpected',
    endpoint
  })
}
