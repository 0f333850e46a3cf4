import type { FastifyInstance, FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify'
import fp from 'fastify-plugin'
import { ScimError } from '../scim/errors.js'

/**
 * Refuses a bearer token in the query string (`?access_token=`) on every route, with or without
 * an Authorization header. RFC 6750 §2.3 makes that method optional and §5.3 advises against it:
 * URLs end up in proxy and browser logs. Accepting it would train clients to leak their token;
 * refusing it loudly tells them to use the header (§2.1). The request log never shows the value
 * (src/logger.ts redacts secret-looking query parameters).
 */
export const queryTokenPlugin = fp(async (app: FastifyInstance) => {
  app.addHook('onRequest', (request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction) => {
    const query = request.query as Record<string, unknown> | undefined
    if (query === undefined || query === null || !Object.hasOwn(query, 'access_token')) { done(); return }
    void reply.header('WWW-Authenticate', 'Bearer error="invalid_request", error_description="send the token in the Authorization header"')
    done(new ScimError(400, undefined, 'access_token in the URL is not accepted: send "Authorization: Bearer <token>" (RFC 6750 §2.1)'))
  })
}, { name: 'query-token' })
