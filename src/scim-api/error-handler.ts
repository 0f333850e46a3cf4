import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { classifyError, noRouteDetail } from '../http/error-handler.js'
import { ScimError, scimErrorBody } from '../scim/errors.js'
import { SCIM_CONTENT_TYPE } from './routes/http.js'

/**
 * A write for a tenant deleted after its token was verified (another replica's token cache, at
 * most its TTL): PostgreSQL's foreign_key_violation on a `tenant_id` column. Nothing was
 * written; the token no longer names a tenant, which is a 401, not a server fault.
 */
function isMissingTenant (err: unknown): boolean {
  const { code, constraint } = err as { code?: unknown, constraint?: unknown }
  return code === '23503' && typeof constraint === 'string' && constraint.endsWith('_tenant_id_fkey')
}

function tenantGone (reply: FastifyReply): ScimError {
  void reply.header('WWW-Authenticate', 'Bearer realm="scim", error="invalid_token"')
  return new ScimError(401, undefined, 'the tenant of this token no longer exists')
}

/**
 * The SCIM API's own error and not-found handlers, set on its encapsulated scope: every error
 * of a SCIM route (its hooks, its body parser, the app-wide hooks before it) is an RFC 7644
 * §3.12 body, whatever spelling of the path reached the route.
 */
export function registerScimErrorHandlers (scope: FastifyInstance): void {
  scope.setErrorHandler((err: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    const error = isMissingTenant(err) ? tenantGone(reply) : classifyError(err, request, reply)
    return reply.code(error.status).type(SCIM_CONTENT_TYPE).send(scimErrorBody(
      error.status, error.message, error.scimType
    ))
  })
  scope.setNotFoundHandler(sendScimNotFound)
}

/** The SCIM 404 for a path no SCIM route serves (the not-found handler and the catch-all route). */
export function sendScimNotFound (request: FastifyRequest, reply: FastifyReply): FastifyReply {
  return reply.code(404).type(SCIM_CONTENT_TYPE).send(scimErrorBody(404, noRouteDetail(request)))
}
