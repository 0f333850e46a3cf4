import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { ScimError, scimErrorBody } from '../scim/errors.js'
import { isScimPath } from './scim-path.js'
import { AdminError } from '../admin/admin-errors.js'
import { isStalePlan } from '../db/statement-cache.js'
import { isDatabaseUnavailable } from '../db/database-unavailable.js'

/**
 * Retry-After on a 503 for a database fault: long enough for a PostgreSQL restart or failover
 * to finish, short enough that an IdP's retry is not what delays recovery.
 */
export const DATABASE_RETRY_AFTER_SECONDS = 5

export const SCIM_CONTENT_TYPE = 'application/scim+json; charset=utf-8'

/** Maps Fastify's own error codes to the SCIM error they mean (RFC 7644 §3.12). */
function fromFastifyError (err: FastifyError): ScimError {
  switch (err.code) {
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new ScimError(415, undefined, 'unsupported content type: send application/scim+json or application/json')
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new ScimError(413, undefined, 'request body is larger than this server accepts')
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return ScimError.of('invalidSyntax', 'request body is not valid JSON')
    default:
      if (err.validation) return ScimError.of('invalidSyntax', err.message)
      if (err instanceof SyntaxError) return ScimError.of('invalidSyntax', 'request body is not valid JSON')
      if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) {
        return new ScimError(err.statusCode, undefined, err.message)
      }
      return new ScimError(500, undefined, 'internal server error')
  }
}

/**
 * What any error means to the client, with its headers set and logged the way it deserves:
 * an unexpected 5xx at error level with its detail (never sent), a rejection at info, and the
 * errors we raise ourselves (ScimError and its subclasses: 401, 429, a shed 503) not at all.
 * Each API formats the result in its own error handler.
 */
export function classifyError (err: FastifyError, request: FastifyRequest, reply: FastifyReply): ScimError {
  // A migration by another replica changed a table under a prepared statement of this one
  // inside a transaction (src/db/statement-cache.ts): nothing was written, and the retry runs
  // unprepared. 503 + Retry-After is what makes an IdP send it again (RFC 7231 §7.1.3).
  if (isStalePlan(err)) {
    request.log.warn({ err: { message: err.message, code: err.code } }, 'schema changed under a prepared statement; asked the client to retry')
    void reply.header('retry-after', '1')
    return new ScimError(503, undefined, 'the database schema changed during this request; retry')
  }
  // The database is stopped, restarting, unreachable or past the request's deadline
  // (src/db/guarded-pool.ts): nothing was half written, and the request may be sent again.
  if (isDatabaseUnavailable(err)) {
    request.log.warn({ err: { message: err.message, code: err.code } }, 'database unavailable; asked the client to retry')
    void reply.header('retry-after', String(DATABASE_RETRY_AFTER_SECONDS))
    return new ScimError(503, undefined, 'the database is unavailable; retry later')
  }
  const headers = (err as { headers?: Record<string, string> }).headers
  if (headers) void reply.headers(headers)
  if (err instanceof ScimError) return err
  const classified = fromFastifyError(err)
  if (classified.status >= 500) request.log.error({ err }, 'request failed')
  else request.log.info({ err: { message: err.message, code: err.code } }, 'request rejected')
  return classified
}

function httpErrorCode (status: number): string {
  if (status === 404) return 'not_found'
  if (status === 413) return 'payload_too_large'
  if (status === 415) return 'unsupported_media_type'
  if (status === 429) return 'too_many_requests'
  if (status === 503) return 'service_unavailable'
  if (status >= 500) return 'internal_error'
  return 'invalid_request'
}

/**
 * The app-wide error handler, for everything outside the SCIM API (which registers its own,
 * src/scim-api/error-handler.ts): a small JSON body. 5xx detail is logged, never sent.
 */
export const errorHandlerPlugin = fp(async (app: FastifyInstance) => {
  app.setErrorHandler((err: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    if (err instanceof AdminError) {
      const body: Record<string, unknown> = { error: err.code, message: err.message, status: err.statusCode }
      if (err.details !== undefined) body.details = err.details
      return reply.code(err.statusCode).send(body)
    }
    const error = classifyError(err, request, reply)
    // A SCIM-looking path no SCIM route matched (e.g. `/scim/v2/` itself): a SCIM error body.
    if (isScimPath(request.url)) return reply.code(error.status).type(SCIM_CONTENT_TYPE).send(scimErrorBody(error.status, error.message, error.scimType))
    return reply.code(error.status).send({ error: httpErrorCode(error.status), message: error.message, status: error.status })
  })

  app.setNotFoundHandler((request: FastifyRequest, reply: FastifyReply) => {
    const detail = `no route for ${request.method} ${request.url.split('?')[0] ?? ''}`
    if (isScimPath(request.url)) return reply.code(404).type(SCIM_CONTENT_TYPE).send(scimErrorBody(404, detail))
    return reply.code(404).send({ error: 'not_found', message: detail, status: 404 })
  })
}, { name: 'error-handler' })
