import type { Kysely } from 'kysely'
import { notFound, parseInput } from '../../admin/admin-errors.js'
import { tenantOfPath, tenantParams } from '../../admin/tenant-scope.js'
import type { DB } from '../../db/schema.js'
import type { Tenant } from '../../tenants/tables.js'
import { roleOn, type ConsoleAccess, type ConsoleRole } from '../auth/roles.js'

/** The tenant a console route names, and the session's role on it. */
export interface ConsoleTenant { tenant: Tenant, role: ConsoleRole }

/**
 * The one place a console route's `:tenantId` becomes a tenant. A tenant outside the session's
 * scope is answered exactly like one that does not exist (404, same message, before any
 * lookup), so a scoped admin learns nothing about other tenants, not even that they exist.
 */
export async function resolveConsoleTenant (
  db: Kysely<DB>, access: ConsoleAccess, params: unknown
): Promise<ConsoleTenant> {
  const { tenantId } = parseInput(tenantParams, params, 'path')
  const role = roleOn(access, tenantId)
  if (role === undefined) throw notFound('tenant')
  return { tenant: await tenantOfPath(db, params), role }
}
