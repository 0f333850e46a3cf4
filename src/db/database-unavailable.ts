/**
 * The database could not serve a statement in time or at all: the server is stopped,
 * restarting, refusing connections, frozen past the request's deadline, or the connection
 * broke. Nothing the client sent was wrong and nothing was half written (a broken transaction
 * is rolled back by the server), so the answer is 503 with Retry-After
 * (RFC 9110 §15.6.4), never 500.
 */
export class DatabaseUnavailableError extends Error {
  override name = 'DatabaseUnavailableError'
}

// Node's socket errors for a server that is gone, unreachable or not answering.
const SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'ENOTFOUND'])

// PostgreSQL SQLSTATEs (Appendix A, "PostgreSQL Error Codes") that say "try again later":
// class 08 connection exceptions, operator intervention (shutdown, crash, starting up),
// too many connections, statement and lock timeouts, a session killed for idling in a
// transaction, and the two transaction conflicts PostgreSQL asks clients to retry.
const RETRYABLE_SQLSTATES = new Set(['57P01', '57P02', '57P03', '53300', '57014', '55P03', '25P03', '40001', '40P01'])

// node-postgres and pg-pool report a lost or never-made connection with these messages only.
const CONNECTION_MESSAGES = [
  'Connection terminated',
  'timeout exceeded when trying to connect',
  'Client has encountered a connection error and is not queryable',
  'Client was closed and is not queryable',
  'Query read timeout',
  'the database system is'
]

/** Whether an error (or its cause, or one of an AggregateError's) means the database is unavailable. */
export function isDatabaseUnavailable (err: unknown, depth = 0): boolean {
  if (err === null || typeof err !== 'object' || depth > 4) return false
  if (err instanceof DatabaseUnavailableError) return true
  const e = err as { code?: unknown, message?: unknown, cause?: unknown, errors?: unknown }
  if (typeof e.code === 'string' && (SOCKET_CODES.has(e.code) || e.code.startsWith('08') || RETRYABLE_SQLSTATES.has(e.code))) return true
  if (typeof e.message === 'string' && CONNECTION_MESSAGES.some((m) => (e.message as string).includes(m))) return true
  if (Array.isArray(e.errors) && e.errors.some((inner) => isDatabaseUnavailable(inner, depth + 1))) return true
  return isDatabaseUnavailable(e.cause, depth + 1)
}
