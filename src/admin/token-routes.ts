import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import type { TokenService } from '../tenants/token-service.js'
import { notFound } from './admin-errors.js'
import { tenantParams } from './tenant-scope.js'
import type { ZodTypeProvider } from './zod-type-provider.js'

const createBody = z.object({ label: z.string().trim().min(1).max(100) }).strict()
const tokenParams = tenantParams.extend({ tokenId: z.string().uuid() })

/** SCIM bearer tokens of one tenant: created (secret shown once), listed without secrets, revoked. */
export async function tokenRoutes (app: FastifyInstance, opts: { tokens: TokenService }): Promise<void> {
  const { tokens } = opts
  const admin = app.withTypeProvider<ZodTypeProvider>()

  admin.get('/scim-tokens', async (request) => {
    const items = await tokens.list(request.adminTenant.id)
    return {
      items: items.map((t) => ({
        id: t.id,
        label: t.label,
        prefix: t.prefix,
        created_at: t.createdAt,
        last_used_at: t.lastUsedAt,
        revoked_at: t.revokedAt
      })),
      total: items.length
    }
  })

  admin.post('/scim-tokens', { schema: { body: createBody } }, async (request, reply) => {
    const created = await tokens.create(request.adminTenant.id, request.body.label)
    return reply.code(201).send({
      id: created.id, label: created.label, prefix: created.prefix, created_at: created.createdAt, token: created.token
    })
  })

  admin.delete('/scim-tokens/:tokenId', { schema: { params: tokenParams } }, async (request, reply) => {
    if (!(await tokens.revoke(request.adminTenant.id, request.params.tokenId))) throw notFound('active token')
    return reply.code(204).send()
  })
}
