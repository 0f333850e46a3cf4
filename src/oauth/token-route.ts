import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { AccessTokenService } from './access-tokens.js'
import type { OAuthClientsService } from './clients-service.js'
import { FailureLimit } from './failure-limit.js'
import { OAuthError } from './oauth-error.js'
import { parseTokenRequest, type TokenRequest } from './token-request.js'
import type { FederationTrustsService } from './trusts-service.js'
import { classifyError } from '../http/error-handler.js'

/** What this server grants: access to the tenant's SCIM API, whatever scope was asked for. */
export const GRANTED_SCOPE = 'scim'
/** A token request is a few hundred bytes; an Entra assertion a few KB. */
export const TOKEN_BODY_LIMIT_BYTES = 32_768
/** Our client ids are under 40 characters; longer ones are cut before they key anything. */
const MAX_CLIENT_ID_KEY = 100

export interface OAuthTokenRouteOptions {
  clients: OAuthClientsService
  trusts: FederationTrustsService
  accessTokens: AccessTokenService
  /** `expires_in` of every token, 3600–21600 s (Microsoft's range for SCIM apps). */
  accessTokenLifetimeSeconds: number
  clientFailuresPerMinute: number
  addressFailuresPerMinute: number
  now?: (() => number) | undefined
}

/** RFC 6749 §5.1: token responses must not be cached; errors get the same headers. */
function noStore (reply: FastifyReply): void {
  void reply.header('cache-control', 'no-store').header('pragma', 'no-cache')
}

function sendError (reply: FastifyReply, err: OAuthError, status = err.statusCode): FastifyReply {
  noStore(reply)
  // §5.2: a failed Basic authentication is a 401 with the challenge of that scheme.
  if (err.statusCode === 401 && err.usedBasic) {
    void reply.header('www-authenticate', 'Basic realm="bridge", charset="UTF-8"')
  }
  return reply.code(status).type('application/json;charset=UTF-8')
    .send({ error: err.code, error_description: err.description })
}

function authMethod (request: TokenRequest): string {
  if (request.credentials.kind === 'assertion') return 'workload_identity_federation'
  return request.credentials.usedBasic ? 'client_secret_basic' : 'client_secret_post'
}

/**
 * `POST /oauth/token`: the client credentials grant (RFC 6749 §4.4) with a client secret
 * (Basic, form body, or both when equal) or an Entra workload identity federation assertion
 * (RFC 7523 §2.2). Its own scope: the only route that parses application/x-www-form-urlencoded,
 * with its own body limit and RFC 6749 §5.2 error bodies.
 */
export async function oauthTokenRoutes (app: FastifyInstance, opts: OAuthTokenRouteOptions): Promise<void> {
  const now = opts.now ?? Date.now
  const clientLimit = new FailureLimit(opts.clientFailuresPerMinute, now)
  const addressLimit = new FailureLimit(opts.addressFailuresPerMinute, now)

  app.removeAllContentTypeParsers()
  const parseOptions = { parseAs: 'string', bodyLimit: TOKEN_BODY_LIMIT_BYTES } as const
  app.addContentTypeParser('application/x-www-form-urlencoded', parseOptions,
    (_request, body, done) => { done(null, body) })
  // Any other type reaches the handler as "not a form" and gets invalid_request, not a 415.
  app.addContentTypeParser('*', parseOptions, (_request, _body, done) => { done(null, undefined) })

  app.setErrorHandler((err: FastifyError, request, reply) => {
    if (err instanceof OAuthError) return sendError(reply, err)
    // Everything else as the rest of the app classifies it (input guard, body limits, database
    // faults, overload), in RFC 6749 §5.2's vocabulary; 503 keeps its Retry-After.
    const error = classifyError(err, request, reply)
    if (error.status < 500) {
      const tooLarge = error.status === 413
      const description = tooLarge ? 'the body is too large' : `the request is malformed: ${error.message}`
      return sendError(reply, new OAuthError('invalid_request', description), tooLarge ? 413 : 400)
    }
    noStore(reply)
    if (error.status === 503) {
      return reply.code(503).send({ error: 'temporarily_unavailable', error_description: error.message })
    }
    return reply.code(500).send({ error: 'server_error', error_description: 'internal error' })
  })

  const tooMany = (reply: FastifyReply, retryAfterSeconds: number) => {
    noStore(reply)
    return reply.code(429).header('retry-after', String(retryAfterSeconds))
      .send({ error: 'temporarily_unavailable', error_description: 'too many failed attempts; retry later' })
  }

  app.post('/oauth/token', async (request: FastifyRequest, reply: FastifyReply) => {
    const addressKey = request.ip
    const byAddress = addressLimit.check(addressKey)
    if (!byAddress.allowed) return tooMany(reply, byAddress.retryAfterSeconds)
    let clientKey: string | undefined
    try {
      if (typeof request.body !== 'string') {
        throw new OAuthError('invalid_request', 'the body must be application/x-www-form-urlencoded')
      }
      const parsed = parseTokenRequest(request.body, request.headers.authorization)
      // Bounded: the id is the caller's text, and it keys the failure counts and the log.
      clientKey = parsed.credentials.clientId.slice(0, MAX_CLIENT_ID_KEY)
      const byClient = clientLimit.check(clientKey)
      if (!byClient.allowed) return tooMany(reply, byClient.retryAfterSeconds)
      const { credentials } = parsed
      const authenticated = credentials.kind === 'secret'
        ? await opts.clients.authenticate(credentials.clientId, credentials.secret, credentials.usedBasic)
        : await opts.trusts.authenticate(credentials.clientId, credentials.assertion)
      // Known grants that these clients may not use (RFC 6749 §5.2 unauthorized_client).
      if (parsed.grantType !== 'client_credentials') {
        throw new OAuthError('unauthorized_client', 'this client may only use grant_type=client_credentials')
      }
      const subject = 'trustRef' in authenticated
        ? { trustRef: authenticated.trustRef }
        : { clientRef: authenticated.clientRef, secretRef: authenticated.secretRef }
      const { tenantId } = authenticated
      const issued = await opts.accessTokens.issue(tenantId, subject, opts.accessTokenLifetimeSeconds, GRANTED_SCOPE)
      request.log.info({ oauthClientId: clientKey, tenantId, method: authMethod(parsed) },
        'oauth access token issued')
      noStore(reply)
      // §5.1; no refresh token for client credentials (§4.4.3). The scope is always given, as
      // it may differ from the one asked for (§3.3).
      return reply.type('application/json;charset=UTF-8').send({
        access_token: issued.accessToken, token_type: 'Bearer', expires_in: issued.expiresIn, scope: issued.scope
      })
    } catch (err) {
      if (err instanceof OAuthError) {
        if (err.code === 'invalid_client') {
          addressLimit.fail(addressKey)
          if (clientKey !== undefined) clientLimit.fail(clientKey)
        }
        // The reason is for operators; the client id is not a secret (RFC 6749 §2.2).
        request.log.warn({ oauthClientId: clientKey, error: err.code, reason: err.reason },
          'oauth token request refused')
      }
      throw err
    }
  })

  // RFC 6749 §3.2: the token endpoint takes POST only.
  app.get('/oauth/token', async (_request, reply) => {
    void reply.header('allow', 'POST')
    return sendError(reply, new OAuthError('invalid_request', 'use POST'), 405)
  })
}
