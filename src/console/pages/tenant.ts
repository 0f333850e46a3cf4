import type { FastifyRequest } from 'fastify'
import type { Tenant } from '../../tenants/tables.js'
import { pageContext, type ConsoleRuntime } from '../context.js'
import type { PageContext } from '../views/layout.js'

/**
 * The tenant of `:tenantId` and the page context that shows it. The console's session hook has
 * already resolved it within the session's scope (src/console/security/tenant-scope.ts: 404 when
 * unknown or outside the scope); a page never looks a tenant up itself.
 */
export async function tenantPage (_rt: ConsoleRuntime, request: FastifyRequest): Promise<{
  tenant: Tenant, ctx: PageContext, base: string
}> {
  const resolved = request.consoleTenant
  if (resolved === undefined) throw new Error('tenant page reached without a resolved tenant')
  const { tenant } = resolved
  return { tenant, ctx: pageContext(request, { id: tenant.id, name: tenant.name }), base: `/ui/tenants/${tenant.id}` }
}

/** Form fields are strings (or lists of them for repeated names). */
export function formOf (request: FastifyRequest): Record<string, string | string[] | undefined> {
  const body = request.body
  return body !== null && typeof body === 'object' ? body as Record<string, string | string[] | undefined> : {}
}

export function field (form: Record<string, string | string[] | undefined>, name: string): string {
  const v = form[name]
  return typeof v === 'string' ? v : Array.isArray(v) ? (v[0] ?? '') : ''
}

export function fields (form: Record<string, string | string[] | undefined>, name: string): string[] {
  const v = form[name]
  return typeof v === 'string' ? [v] : Array.isArray(v) ? v : []
}

/** Query parameters as single strings. */
export function queryOf (request: FastifyRequest): Record<string, string | undefined> {
  const q = request.query as Record<string, unknown> | undefined
  const out: Record<string, string | undefined> = {}
  for (const [k, v] of Object.entries(q ?? {})) out[k] = typeof v === 'string' ? v : Array.isArray(v) && typeof v[0] === 'string' ? v[0] : undefined
  return out
}

/** `?offset=` as a bounded non-negative integer. */
export function offsetOf (q: Record<string, string | undefined>): number {
  const n = Number(q.offset ?? 0)
  return Number.isInteger(n) && n >= 0 && n <= 10_000_000 ? n : 0
}
