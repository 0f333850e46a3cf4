import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { classifyError, sendJsonError } from '../http/error-handler.js'
import { AdminError } from './admin-errors.js'

/**
 * The admin API's error handler, set on its encapsulated scope: an AdminError is sent as
 * `{ error: code, message, status, details? }` (openapi.yaml `AdminError`); anything else (input
 * guard, body limits, database faults, overload) as the rest of the app classifies it, in the
 * same JSON body.
 */
export function registerAdminErrorHandler (scope: FastifyInstance): void {
  scope.setErrorHandler((err: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    if (!(err instanceof AdminError)) return sendJsonError(reply, classifyError(err, request, reply))
    const body: Record<string, unknown> = { error: err.code, message: err.message, status: err.statusCode }
    if (err.details !== undefined) body.details = err.details
    return reply.code(err.statusCode).send(body)
  })
}
