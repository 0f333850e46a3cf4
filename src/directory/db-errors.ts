/** Whether `err` is PostgreSQL's unique_violation on `constraint` (same code on PGlite). */
export function isUniqueViolation (err: unknown, constraint: string): boolean {
  if (typeof err !== 'object' || err === null) return false
  const { code, constraint: name } = err as { code?: unknown, constraint?: unknown }
  return code === '23505' && name === constraint
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/** Ids are UUIDs; anything else cannot name a resource and must not reach a uuid cast. */
export function isUuid (value: string): boolean {
  return UUID.test(value)
}
