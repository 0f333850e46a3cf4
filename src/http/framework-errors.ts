import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify'
import { scimErrorBody } from '../scim/errors.js'
import { SCIM_CONTENT_TYPE } from './error-handler.js'
import { isScimPath } from './scim-path.js'

/**
 * Errors the router raises before any route (and so any scope's error handler) is chosen: an
 * undecodable path (400) and a path parameter over `maxParamLength` (414, RFC 9110 §15.5.15).
 * On SCIM paths they are SCIM error bodies (RFC 7644 §3.12), elsewhere the JSON error body.
 * The path decides only the format of the answer: no handler runs and nothing is authorised.
 */
export function frameworkErrors (error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const status = error.code === 'FST_ERR_MAX_PARAM_LENGTH' ? 414 : 400
  const message = status === 414 ? 'a path segment is longer than this server accepts' : 'the path is not a valid URL'
  if (isScimPath(request.raw.url ?? '')) {
    void reply.code(status).type(SCIM_CONTENT_TYPE).send(scimErrorBody(status, message))
    return
  }
  void reply.code(status).send({ error: status === 414 ? 'uri_too_long' : 'invalid_request', message, status })
}
