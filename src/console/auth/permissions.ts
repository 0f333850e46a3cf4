import type { ConsoleRole } from './roles.js'

/**
 * State changes an operator may make: they start work the bridge also does on its own (a sync,
 * a reconcile, a queue retry) or only read from Meta (the connection test). Every other state
 * change needs an admin, so a route added later is admin-only until it is listed here.
 */
const OPERATOR_ACTIONS = new Set([
  'POST /ui/tenants/:tenantId/sync',
  'POST /ui/tenants/:tenantId/people/:userId/reconcile',
  'POST /ui/tenants/:tenantId/queue/retry',
  'POST /ui/tenants/:tenantId/meta-connection/test'
])

/** Reads that exist only to lead to an admin's decision (the held-removal confirmation). */
const ADMIN_READS = new Set([
  'GET /ui/tenants/:tenantId/held-removals/confirm'
])

/** The least role a console route needs, by method and route pattern. */
export function roleNeeded (method: string, routeUrl: string | undefined): ConsoleRole {
  const key = `${method === 'HEAD' ? 'GET' : method} ${routeUrl ?? ''}`
  if (method === 'GET' || method === 'HEAD') return ADMIN_READS.has(key) ? 'admin' : 'viewer'
  return OPERATOR_ACTIONS.has(key) ? 'operator' : 'admin'
}
