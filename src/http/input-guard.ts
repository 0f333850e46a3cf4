import type { FastifyInstance, FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify'
import fp from 'fastify-plugin'
import { ScimError } from '../scim/errors.js'

/** Limits every API shares; each API may be stricter (docs/scim.md "Input limits"). */
export const inputLimits = {
  /** Any string in a body, a query parameter or a path parameter, keys included. */
  stringLength: 8192,
  /** Objects and arrays nested in one body. */
  jsonDepth: 32
} as const

/** A high surrogate not followed by a low one, or a low one not preceded by a high one. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/

/**
 * Why a string cannot be taken, or undefined. NUL cannot be stored in PostgreSQL text or jsonb,
 * and a lone UTF-16 surrogate (JSON's `"\ud800"`) is no Unicode character: PostgreSQL refuses
 * both, so they are refused here as bad input instead of failing in the database.
 */
export function stringProblem (value: string): string | undefined {
  if (value.length > inputLimits.stringLength) return `is longer than ${inputLimits.stringLength} characters`
  if (value.includes('\u0000')) return 'contains a NUL character'
  if (LONE_SURROGATE.test(value)) return 'contains a lone UTF-16 surrogate'
  return undefined
}

/** Walks a parsed value without recursion (a hostile body can nest deeper than the stack). */
export function findInputProblem (root: unknown, where: string): string | undefined {
  const stack: Array<{ value: unknown, path: string, depth: number }> = [{ value: root, path: where, depth: 0 }]
  while (stack.length > 0) {
    const { value, path, depth } = stack.pop()!
    if (typeof value === 'string') {
      const problem = stringProblem(value)
      if (problem) return `${path} ${problem}`
    } else if (value !== null && typeof value === 'object') {
      if (depth >= inputLimits.jsonDepth) return `${path} is nested deeper than ${inputLimits.jsonDepth} levels`
      const entries = Array.isArray(value) ? value.map((item, i) => [String(i), item] as const) : Object.entries(value)
      for (const [key, item] of entries) {
        const keyProblem = stringProblem(key)
        if (keyProblem) return `a key in ${path} ${keyProblem}`
        stack.push({ value: item, path: `${path}.${key}`, depth: depth + 1 })
      }
    }
  }
  return undefined
}

/**
 * Checks every request's path parameters, query and parsed body before any handler runs.
 * The error is a 400 `invalidValue` ScimError, which each API's error handler renders in its
 * own format (RFC 7644 §3.12 on /scim, the JSON error body elsewhere).
 */
export const inputGuardPlugin = fp(async (app: FastifyInstance) => {
  // Callback-style: it runs on every request, and a promise each would cost more than the check.
  app.addHook('preValidation', (request: FastifyRequest, _reply: FastifyReply, done: HookHandlerDoneFunction) => {
    const problem = findInputProblem(request.params, 'path') ??
      findInputProblem(request.query, 'query') ??
      findInputProblem(request.body, 'body')
    done(problem ? ScimError.of('invalidValue', problem) : undefined)
  })
}, { name: 'input-guard' })
