import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { AdminTokenVerifier } from './admin-token-verifier.js'
import { AdminError } from './admin-errors.js'

const BEARER = /^Bearer\s+(\S+)\s*$/i

/** Bearer auth for the admin API: an onRequest hook on the encapsulated /admin/v1 context. */
export function addAdminAuth (app: FastifyInstance, verifier: AdminTokenVerifier): void {
  app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    const match = BEARER.exec(request.headers.authorization ?? '')
    if (!match?.[1] || !(await verifier.verify(match[1]))) {
      void reply.header('WWW-Authenticate', 'Bearer realm="admin"')
      throw new AdminError(401, 'unauthorized', 'a valid admin bearer token is required')
    }
  })
}
