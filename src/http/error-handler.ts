import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { ScimError } from '../scim/errors.js'
import { isStalePlan } from '../db/statement-cache.js'
import { isDatabaseUnavailable } from '../db/database-unavailable.js'

/**
 * Retry-After on a 503 for a database fault: long enough for a PostgreSQL restart or failover
 * to finish, short enough that an IdP's retry is not what delays recovery.
 */
export const DATABASE_RETRY_AFTER_SECONDS = 5

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
  if (status === 414) return 'uri_too_long'
  if (status === 415) return 'unsupported_media_type'
  if (status === 429) return 'too_many_requests'
  if (status === 503) return 'service_unavailable'
  if (status >= 500) return 'internal_error'
  return 'invalid_request'
}

/** The small JSON error body `{ error, message, status }` of every API without a format of its own. */
export function sendJsonError (reply: FastifyReply, error: ScimError): FastifyReply {
  const body = { error: httpErrorCode(error.status), message: error.message, status: error.status }
  return reply.code(error.status).send(body)
}

/** The detail of a 404 from a not-found handler: the method and the path, never the query. */
export function noRouteDetail (request: FastifyRequest): string {
  return `no route for ${request.method} ${request.url.split('?')[0] ?? ''}`
}

/**
 * The app-wide error and not-found handlers: the JSON error body. An API with a format of its
 * own sets its handlers on its own scope (src/scim-api/error-handler.ts,
 * src/admin/error-handler.ts), so this one knows no API's errors and no URL. 5xx detail is
 * logged, never sent.
 */
export const errorHandlerPlugin = fp(async (app: FastifyInstance) => {
  app.setErrorHandler((err: FastifyError, request: FastifyRequest, reply: FastifyReply) =>
    sendJsonError(reply, classifyError(err, request, reply)))

  app.setNotFoundHandler((request: FastifyRequest, reply: FastifyReply) =>
    sendJsonError(reply, new ScimError(404, undefined, noRouteDetail(request))))
}, { name: 'error-handler' })
