import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { classifyError, SCIM_CONTENT_TYPE } from '../http/error-handler.js'
import { scimErrorBody } from '../scim/errors.js'

/**
 * The SCIM API's own error and not-found handlers, set on its encapsulated scope: every error
 * of a SCIM route (its hooks, its body parser, the app-wide hooks before it) is an RFC 7644
 * §3.12 body, whatever spelling of the path reached the route.
 */
export function registerScimErrorHandlers (scope: FastifyInstance): void {
  scope.setErrorHandler((err: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    const error = classifyError(err, request, reply)
    return reply.code(error.status).type(SCIM_CONTENT_TYPE).send(scimErrorBody(error.status, error.message, error.scimType))
  })
  scope.setNotFoundHandler((request: FastifyRequest, reply: FastifyReply) => {
    const detail = `no route for ${request.method} ${request.url.split('?')[0] ?? ''}`
    return reply.code(404).type(SCIM_CONTENT_TYPE).send(scimErrorBody(404, detail))
  })
}
