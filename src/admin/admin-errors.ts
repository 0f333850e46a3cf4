import type { ZodType } from 'zod'

/** An admin API error; the error handler sends `{ error: code, message, status, details? }`. */
export class AdminError extends Error {
  override name = 'AdminError'
  constructor (readonly statusCode: number, readonly code: string, message: string, readonly details?: unknown) {
    super(message)
  }
}

export const notFound = (what: string) => new AdminError(404, 'not_found', `${what} not found`)

/** Parses admin input with zod; a failure is a 400 listing each bad field. */
export function parseInput<T> (schema: ZodType<T>, input: unknown, where = 'body'): T {
  const parsed = schema.safeParse(input ?? {})
  if (parsed.success) return parsed.data
  const details = parsed.error.issues.map((i) => ({ path: [where, ...i.path].join('.'), message: i.message }))
  throw new AdminError(400, 'invalid_request', `invalid ${where}: ${details.map((d) => `${d.path}: ${d.message}`).join('; ')}`, details)
}
