import { decodeProtectedHeader, errors, jwtVerify, type JWTPayload } from 'jose'
import type { JwksCache } from './jwks-cache.js'
import { JwksUnavailableError } from './jwks-cache.js'
import type { FederationTrust } from './tables.js'
import { entraTenantOf } from './trust-rules.js'

/**
 * Asymmetric algorithms only (RFC 8725 §3.1: an explicit allow-list): never `none`, never an
 * HMAC, which an attacker could key with the issuer's public key. Entra signs with RS256.
 */
export const ASSERTION_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384']
/** RFC 7519 §4.1.4 allows "a few minutes" of clock skew; five, as Microsoft's libraries do. */
export const CLOCK_TOLERANCE_SECONDS = 300

/** Why an assertion failed; for the server log only, the client always sees `invalid_client`. */
export class AssertionRejected extends Error {
  override name = 'AssertionRejected'
  constructor (readonly reason: string) { super(reason) }
}

function reasonOf (err: unknown): string {
  if (err instanceof AssertionRejected) return err.reason
  if (err instanceof JwksUnavailableError) return 'jwks_unreachable'
  if (err instanceof errors.JWTExpired) return 'expired'
  if (err instanceof errors.JWTClaimValidationFailed) {
    const byClaim: Record<string, string> = {
      iss: 'issuer', aud: 'audience', sub: 'subject', nbf: 'not_yet_valid', iat: 'issued_at'
    }
    return byClaim[err.claim] ?? `claim_${err.claim}`
  }
  if (err instanceof errors.JOSEAlgNotAllowed) return 'algorithm'
  if (err instanceof errors.JWSSignatureVerificationFailed) return 'signature'
  if (err instanceof errors.JWKSNoMatchingKey || err instanceof errors.JWKSMultipleMatchingKeys) return 'unknown_key'
  return 'malformed'
}

export interface VerifiedAssertion { payload: JWTPayload }

/**
 * Entra's workload identity federation assertion (RFC 7523 §2.2 client authentication with
 * Entra's claims, not §3's `sub = client_id`): signature by a key of the trust's key set,
 * then `iss`, `aud`, `sub` exactly as configured, `exp`/`nbf` with tolerance, `iat` not in
 * the future, and for an Entra issuer the `tid` claim equal to the tenant in `iss`.
 */
export async function verifyAssertion (
  assertion: string, trust: FederationTrust, jwks: JwksCache, nowMs: number
): Promise<VerifiedAssertion> {
  try {
    let header
    try { header = decodeProtectedHeader(assertion) } catch { throw new AssertionRejected('malformed') }
    if (typeof header.alg !== 'string' || !ASSERTION_ALGORITHMS.includes(header.alg)) {
      throw new AssertionRejected('algorithm')
    }
    if (typeof header.kid !== 'string') throw new AssertionRejected('no_kid')
    // Keys come only from the configured key set: `jku`, `x5u` and `x5c` are never followed.
    const getKey = await jwks.keyFor(trust.jwks_uri, header.kid)
    const { payload } = await jwtVerify(assertion, getKey, {
      algorithms: ASSERTION_ALGORITHMS,
      issuer: trust.issuer,
      audience: trust.audiences,
      subject: trust.subject,
      clockTolerance: CLOCK_TOLERANCE_SECONDS,
      currentDate: new Date(nowMs),
      requiredClaims: ['iss', 'sub', 'aud', 'exp', 'iat']
    })
    if (typeof payload.iat === 'number' && payload.iat > nowMs / 1000 + CLOCK_TOLERANCE_SECONDS) {
      throw new AssertionRejected('issued_in_future')
    }
    const tenant = entraTenantOf(trust.issuer)
    if (tenant !== undefined && (typeof payload.tid !== 'string' || payload.tid.toLowerCase() !== tenant)) {
      throw new AssertionRejected('tenant')
    }
    return { payload }
  } catch (err) {
    throw new AssertionRejected(reasonOf(err))
  }
}
