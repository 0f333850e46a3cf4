/** The RFC 6749 §5.2 error codes this server answers with. */
export type OAuthErrorCode =
  | 'invalid_request' | 'invalid_client' | 'invalid_grant' | 'unauthorized_client'
  | 'unsupported_grant_type' | 'invalid_scope'

const STATUS: Record<OAuthErrorCode, number> = {
  invalid_request: 400,
  // §5.2: 401 for a failed client authentication; the WWW-Authenticate header is added when
  // the client authenticated with HTTP Basic.
  invalid_client: 401,
  invalid_grant: 400,
  unauthorized_client: 400,
  unsupported_grant_type: 400,
  invalid_scope: 400
}

/**
 * A token-endpoint failure. `description` goes to the client; `reason` only to the server
 * log, so an unknown client, a wrong secret and an expired secret look the same from outside.
 */
export class OAuthError extends Error {
  override name = 'OAuthError'
  readonly statusCode: number

  constructor (
    readonly code: OAuthErrorCode,
    readonly description: string,
    readonly reason: string = code,
    /** The client sent HTTP Basic credentials: a 401 must then carry `WWW-Authenticate: Basic`. */
    readonly usedBasic = false
  ) {
    super(`${code}: ${description}`)
    this.statusCode = STATUS[code]
  }
}

/** The one answer for every failed client authentication (RFC 6749 §5.2, no oracle). */
export function clientAuthFailed (reason: string, usedBasic: boolean): OAuthError {
  return new OAuthError('invalid_client', 'client authentication failed', reason, usedBasic)
}
