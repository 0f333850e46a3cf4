import type { FastifyInstance, FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify'
import fp from 'fastify-plugin'
import { ScimError } from '../scim/errors.js'
import type { TokenService } from '../tenants/token-service.js'
import { AccessTokenService } from '../oauth/access-tokens.js'

declare module 'fastify' {
  interface FastifyRequest {
    /** The tenant of the bearer token; set on every SCIM request that passed auth. */
    tenantId: string
    /** The static SCIM token that authenticated the request; '' for an OAuth access token. */
    scimTokenId: string
  }
}

// RFC 6750 §2.1: credentials are b64token; we accept the scheme in any case.
const BEARER = /^Bearer\s+([A-Za-z0-9\-._~+/]+=*)\s*$/i

function unauthorized (reply: FastifyReply, detail: string, error: 'invalid_request' | 'invalid_token'): ScimError {
  // RFC 6750 §3: tell the client which scheme and why.
  void reply.header('WWW-Authenticate', `Bearer realm="scim", error="${error}"`)
  return new ScimError(401, undefined, detail)
}

/**
 * A static SCIM token or an access token from `POST /oauth/token`; either names the tenant.
 * Access tokens carry their own prefix, so the common case is one lookup.
 */
async function verifyBearer (
  token: string, tokens: TokenService, accessTokens: AccessTokenService | undefined
): Promise<{ tenantId: string, tokenId?: string } | undefined> {
  if (accessTokens !== undefined && AccessTokenService.looksLikeAccessToken(token)) {
    const issued = await accessTokens.verify(token)
    if (issued) return issued
  }
  return tokens.verify(token)
}

/**
 * Bearer-token authentication on the SCIM scope's own routes and its not-found handler (an
 * unauthenticated caller learns nothing about which paths exist): sets `request.tenantId`, or
 * answers 401 with a SCIM error body (RFC 7644 §3.12, §2). Attached to the scope, not matched
 * against the URL: every spelling the router accepts for a SCIM route (`//scim/v2`,
 * `/%73cim/v2`, an absolute-form target, RFC 9112 §3.2.2) runs this hook.
 */
interface ScimAuthOptions { tokens: TokenService, accessTokens?: AccessTokenService | undefined }

export const scimAuthPlugin = fp(async (app: FastifyInstance, opts: ScimAuthOptions) => {
  app.decorateRequest('tenantId', '')
  app.decorateRequest('scimTokenId', '')
  // Callback-style hooks: they run on every SCIM request, and the verification's own promise is
  // the only one needed.
  app.addHook('onRequest', (request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction) => {
    const header = request.headers.authorization
    if (!header) { done(unauthorized(reply, 'missing Authorization header with a bearer token', 'invalid_request')); return }
    const match = BEARER.exec(header)
    if (!match?.[1]) { done(unauthorized(reply, 'Authorization header is not a bearer token', 'invalid_request')); return }
    verifyBearer(match[1], opts.tokens, opts.accessTokens).then((verified) => {
      if (!verified) { done(unauthorized(reply, 'bearer token is not valid', 'invalid_token')); return }
      request.tenantId = verified.tenantId
      request.scimTokenId = verified.tokenId ?? ''
      done()
    }, (err: unknown) => { done(err as Error) })
  })
  // The second line: no handler runs for an empty tenant, whatever hook order a later change
  // brings. The tenant is never taken from the request itself.
  app.addHook('preHandler', (request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction) => {
    done(request.tenantId === '' ? unauthorized(reply, 'the request is not authenticated', 'invalid_token') : undefined)
  })
}, { name: 'scim-auth' })
