import { OAuthError, clientAuthFailed } from './oauth-error.js'

export const JWT_BEARER_ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer'
/** Entra's WIF assertions are a few KB; anything far larger is not one. */
export const MAX_ASSERTION_LENGTH = 16_384

/** Grants the server knows. Only client_credentials is granted today; the others are refused per client. */
const KNOWN_GRANTS = new Set(['client_credentials', 'authorization_code', 'refresh_token'])

export type ClientCredentials =
  | { kind: 'secret', clientId: string, secret: string, usedBasic: boolean }
  | { kind: 'assertion', clientId: string, assertion: string }

export interface TokenRequest {
  grantType: string
  /** The requested scope, or undefined when none was sent. */
  scope: string | undefined
  credentials: ClientCredentials
}

/**
 * RFC 6749 §3.2: parameters may not repeat; §3.2 and Appendix B: the body is
 * application/x-www-form-urlencoded. An empty value counts as absent; unknown parameters
 * (Entra's `baseAddress`, `resource`) are ignored.
 */
export function parseForm (body: string): Map<string, string> {
  const params = new Map<string, string>()
  for (const [name, value] of new URLSearchParams(body)) {
    if (params.has(name)) {
      throw new OAuthError('invalid_request', `parameter ${name} is repeated`)
    }
    params.set(name, value)
  }
  for (const [name, value] of params) if (value === '') params.delete(name)
  return params
}

/** RFC 6749 §2.3.1: id and secret are form-urlencoded (Appendix B) before Basic encodes them. */
function formDecode (value: string): string {
  return decodeURIComponent(value.replace(/\+/g, ' '))
}

export interface BasicCredentials { clientId: string, secret: string }

/** Parses `Authorization: Basic …`; undefined when the header is absent. */
export function parseBasic (header: string | undefined): BasicCredentials | undefined {
  if (header === undefined) return undefined
  const match = /^Basic\s+([A-Za-z0-9+/]+=*)\s*$/i.exec(header)
  if (!match?.[1]) {
    if (/^Basic\b/i.test(header)) throw clientAuthFailed('basic_malformed', true)
    throw new OAuthError('invalid_request', 'the Authorization header must use the Basic scheme')
  }
  const decoded = Buffer.from(match[1], 'base64').toString('utf8')
  const colon = decoded.indexOf(':')
  if (colon < 0) throw clientAuthFailed('basic_malformed', true)
  try {
    return { clientId: formDecode(decoded.slice(0, colon)), secret: formDecode(decoded.slice(colon + 1)) }
  } catch {
    throw clientAuthFailed('basic_malformed', true)
  }
}

/** RFC 6749 §3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E ), separated by single spaces. */
const SCOPE = /^[\x21\x23-\x5B\x5D-\x7E]+( [\x21\x23-\x5B\x5D-\x7E]+)*$/

function chooseCredentials (params: Map<string, string>, basic: BasicCredentials | undefined): ClientCredentials {
  const assertion = params.get('client_assertion')
  const assertionType = params.get('client_assertion_type')
  const bodyId = params.get('client_id')
  const bodySecret = params.get('client_secret')
  if (assertion !== undefined || assertionType !== undefined) {
    // RFC 6749 §2.3: one authentication method per request.
    if (bodySecret !== undefined || basic !== undefined) {
      throw new OAuthError('invalid_request', 'a client assertion cannot be combined with a client secret')
    }
    if (assertionType !== JWT_BEARER_ASSERTION_TYPE) {
      throw new OAuthError('invalid_request', `client_assertion_type must be ${JWT_BEARER_ASSERTION_TYPE}`)
    }
    if (assertion === undefined) throw new OAuthError('invalid_request', 'client_assertion is missing')
    if (assertion.length > MAX_ASSERTION_LENGTH) {
      throw new OAuthError('invalid_request', 'client_assertion is too large')
    }
    if (bodyId === undefined) throw new OAuthError('invalid_request', 'client_id is missing')
    return { kind: 'assertion', clientId: bodyId, assertion }
  }
  if (basic !== undefined) {
    // Entra's "Both": the body repeats what the header says. Accept it only when they agree.
    const idDiffers = bodyId !== undefined && bodyId !== basic.clientId
    const secretDiffers = bodySecret !== undefined && bodySecret !== basic.secret
    if (idDiffers || secretDiffers) {
      throw clientAuthFailed('basic_and_body_disagree', true)
    }
    return { kind: 'secret', clientId: basic.clientId, secret: basic.secret, usedBasic: true }
  }
  if (bodySecret !== undefined) {
    if (bodyId === undefined) throw new OAuthError('invalid_request', 'client_id is missing')
    return { kind: 'secret', clientId: bodyId, secret: bodySecret, usedBasic: false }
  }
  throw clientAuthFailed('no_client_authentication', false)
}

/**
 * Parses a token request (RFC 6749 §4.4.2) without touching the database: which grant, which
 * scope, which client credentials. Errors come in the order a client can fix them.
 */
export function parseTokenRequest (body: string, authorization: string | undefined): TokenRequest {
  const params = parseForm(body)
  const basic = parseBasic(authorization)
  const grantType = params.get('grant_type')
  if (grantType === undefined) {
    throw new OAuthError('invalid_request', 'grant_type is missing', 'missing_grant_type', basic !== undefined)
  }
  if (!KNOWN_GRANTS.has(grantType)) {
    throw new OAuthError('unsupported_grant_type', 'only grant_type=client_credentials is supported')
  }
  const scope = params.get('scope')
  if (scope !== undefined && !SCOPE.test(scope)) throw new OAuthError('invalid_scope', 'scope is malformed')
  return { grantType, scope, credentials: chooseCredentials(params, basic) }
}
