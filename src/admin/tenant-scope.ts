import type { FastifyInstance } from 'fastify'
import type { Kysely } from 'kysely'
import { z, type ZodType } from 'zod'
import type { DB } from '../db/schema.js'
import type { Tenant } from '../tenants/tables.js'
import { findTenantById } from '../tenants/tenants-repository.js'
import { notFound, parseInput } from './admin-errors.js'

declare module 'fastify' {
  interface FastifyRequest {
    /** The tenant of `/admin/v1/tenants/:tenantId/…`, loaded once by the tenant scope; null elsewhere. */
    adminTenant: Tenant
  }
}

export const tenantParams = z.object({ tenantId: z.string().uuid() })

export interface TenantScopeOptions { db: Kysely<DB> }

/**
 * Makes the plugin it is called in (registered with the prefix `/tenants/:tenantId`) resolve the
 * tenant once per request, before its routes validate their query or body: a malformed path is
 * a 400 and an unknown tenant a 404, as each route answered when it looked the tenant up
 * itself. Routes read `request.adminTenant`.
 */
export function addTenantScope (scope: FastifyInstance, opts: TenantScopeOptions): void {
  scope.decorateRequest('adminTenant', null as unknown as Tenant)
  // Every route of the scope declares its path parameters, tenantId at least.
  scope.addHook('onRoute', (route) => {
    if (route.schema?.params === undefined) route.schema = { ...route.schema, params: tenantParams }
  })
  scope.addHook('preValidation', async (request) => {
    // The whole path first, as the routes did (a malformed user id is a 400 for any tenant).
    const params = parseInput((request.routeOptions.schema?.params ?? tenantParams) as ZodType<{ tenantId: string }>,
      request.params, 'path')
    const tenant = await findTenantById(opts.db, params.tenantId)
    if (tenant === undefined) throw notFound('tenant')
    request.adminTenant = tenant
  })
}

/** The tenant a path names, for pages outside the admin scope (the console): 400 malformed, 404 unknown. */
export async function tenantOfPath (db: Kysely<DB>, params: unknown): Promise<Tenant> {
  const { tenantId } = parseInput(tenantParams, params, 'path')
  const tenant = await findTenantById(db, tenantId)
  if (tenant === undefined) throw notFound('tenant')
  return tenant
}
