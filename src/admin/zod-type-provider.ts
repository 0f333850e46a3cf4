import type { FastifySchemaCompiler, FastifyTypeProvider } from 'fastify'
import type { z, ZodType } from 'zod'
import { AdminError, parseInput } from './admin-errors.js'

/**
 * Admin routes declare their params, query and body as zod schemas (`{ schema: { body } }`);
 * this types `request.body` and friends from them. A dozen lines instead of a dependency: the
 * admin API needs no JSON Schema conversion, and its 400 body is its own (parseInput).
 */
export interface ZodTypeProvider extends FastifyTypeProvider {
  validator: this['schema'] extends ZodType ? z.output<this['schema']> : unknown
  serializer: this['schema'] extends ZodType ? z.input<this['schema']> : unknown
}

/** Fastify's name of a request part → the word the admin API's errors use (`path.userId`, `query.limit`). */
const WHERE: Record<string, string> = { params: 'path', querystring: 'query', body: 'body', headers: 'headers' }

/**
 * Validates with the route's zod schema in Fastify's validation step. A failure is the same
 * AdminError (400 `invalid_request` with a detail per field) that parseInput has always thrown;
 * Fastify hands an Error returned here to the error handler as it is.
 */
export const zodValidatorCompiler: FastifySchemaCompiler<ZodType> = ({ schema, httpPart }) => (data) => {
  try {
    return { value: parseInput(schema, data, WHERE[httpPart ?? 'body'] ?? 'body') }
  } catch (err) {
    if (err instanceof AdminError) return { error: err }
    throw err
  }
}
