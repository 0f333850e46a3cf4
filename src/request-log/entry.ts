import type { IdpName } from './idp.js'

/**
 * A SCIM request as captured when its answer has been sent: only the request's own facts, so
 * the capture on the request path costs a few property reads. Everything derived (the semantic
 * action, the masking, the IdP) is worked out by the writer, off the request path
 * (logged-request.ts), before anything is stored. Bodies here are not masked yet.
 */
export interface CapturedRequest {
  tenantId: string
  /** When the request arrived, epoch milliseconds. */
  atMs: number
  requestId: string
  /** The static SCIM token that authenticated the request; undefined for an OAuth access token. */
  tokenId: string | undefined
  userAgent: string | undefined
  method: string
  /** The request target as received: path and query string. */
  url: string
  /** The matched route pattern below the SCIM prefix (`/Users/:id`); undefined when none matched. */
  route: string | undefined
  /** The `:id` route parameter. */
  id: string | undefined
  /** The `filter` query parameter. */
  filter: string | undefined
  /** The parsed request body (undefined or null for none). */
  requestBody: unknown
  /** The request's Content-Length. */
  requestBytes: number
  /** The answer as sent (JSON text), kept for writes and errors; undefined for none or a read. */
  responseText: string | undefined
  /** What is kept of a successful read's answer instead of the answer itself. */
  responseSummary: { totalResults: number } | undefined
  status: number
  durationMs: number
}

/** A SCIM request as stored: described, masked, ready for the batch INSERT. */
export interface LoggedRequest {
  tenantId: string
  at: Date
  requestId: string
  /** Resolved to the token's name when the batch is written. */
  tokenId: string | undefined
  idp: IdpName
  userAgent: string | undefined
  method: string
  path: string
  query: string | undefined
  action: string
  summary: string
  targetType: 'User' | 'Group' | undefined
  targetId: string | undefined
  targetName: string | undefined
  status: number
  scimType: string | undefined
  durationMs: number
  /** A masked value, RawJson (already known to need no masking), or undefined for no body. */
  requestBody: unknown
  responseBody: unknown
}
