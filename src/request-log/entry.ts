import type { IdpName } from './idp.js'

/** A SCIM request as captured after its answer was sent; bodies are already masked. */
export interface CapturedRequest {
  tenantId: string
  at: Date
  requestId: string
  /** SHA-256 of the bearer token, resolved to the token's name when the batch is written. */
  tokenHash: string | undefined
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
