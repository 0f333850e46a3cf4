import type { FastifyInstance } from 'fastify'
import type { Kysely } from 'kysely'
import { z } from 'zod'
import type { DB } from '../db/schema.js'
import { SECRET_LIFETIME_DAYS, type ClientView, type CreatedSecret } from '../oauth/clients-service.js'
import type { OAuthServices } from '../oauth/services.js'
import { GRANTED_SCOPE } from '../oauth/token-route.js'
import { AdminError, notFound, parseInput } from './admin-errors.js'
import { requireTenant } from './tenant-routes.js'

// Microsoft's gallery rule: secrets expire after one to three years.
const lifetimeDays = z.number().int().min(SECRET_LIFETIME_DAYS.min).max(SECRET_LIFETIME_DAYS.max)
const createBody = z.object({
  label: z.string().trim().min(1).max(100),
  secret_lifetime_days: lifetimeDays.optional()
}).strict()
const secretBody = z.object({ lifetime_days: lifetimeDays.optional() }).strict()
const clientParams = z.object({ tenantId: z.string().uuid(), clientRef: z.string().uuid() })
const secretParams = clientParams.extend({ secretId: z.string().uuid() })

function clientJson (c: ClientView) {
  return {
    id: c.id,
    client_id: c.clientId,
    label: c.label,
    created_at: c.createdAt,
    revoked_at: c.revokedAt,
    secrets: c.secrets.map((s) => ({
      id: s.id,
      prefix: s.prefix,
      created_at: s.createdAt,
      expires_at: s.expiresAt,
      last_used_at: s.lastUsedAt,
      revoked_at: s.revokedAt
    }))
  }
}

function secretJson (s: CreatedSecret) {
  return { id: s.id, prefix: s.prefix, created_at: s.createdAt, expires_at: s.expiresAt, secret: s.secret }
}

/**
 * OAuth clients of one tenant for the client credentials grant: created with a first secret
 * (shown once), given more secrets for rotation, secrets and clients revoked, and a first
 * access token minted for IdPs configured through Microsoft Graph, which do not fetch one.
 */
export async function oauthClientRoutes (
  app: FastifyInstance, opts: { db: Kysely<DB>, oauth: OAuthServices, accessTokenLifetimeSeconds: number }
): Promise<void> {
  const { db, oauth } = opts

  const tenantOf = async (params: unknown) => {
    const p = parseInput(clientParams, params, 'path')
    const tenant = await requireTenant(db, { tenantId: p.tenantId })
    return { tenantId: tenant.id, clientRef: p.clientRef }
  }

  app.get('/tenants/:tenantId/oauth-clients', async (request) => {
    const tenant = await requireTenant(db, request.params)
    const items = (await oauth.clients.list(tenant.id)).map(clientJson)
    return { items, total: items.length }
  })

  app.post('/tenants/:tenantId/oauth-clients', async (request, reply) => {
    const tenant = await requireTenant(db, request.params)
    const body = parseInput(createBody, request.body)
    const { client, secret } = await oauth.clients.create(tenant.id, body.label, body.secret_lifetime_days)
    return reply.code(201).send({ ...clientJson(client), secrets: undefined, client_secret: secretJson(secret) })
  })

  app.get('/tenants/:tenantId/oauth-clients/:clientRef', async (request) => {
    const { tenantId, clientRef } = await tenantOf(request.params)
    const client = await oauth.clients.get(tenantId, clientRef)
    if (!client) throw notFound('OAuth client')
    return clientJson(client)
  })

  app.delete('/tenants/:tenantId/oauth-clients/:clientRef', async (request, reply) => {
    const { tenantId, clientRef } = await tenantOf(request.params)
    if (!(await oauth.clients.revoke(tenantId, clientRef))) throw notFound('active OAuth client')
    return reply.code(204).send()
  })

  app.post('/tenants/:tenantId/oauth-clients/:clientRef/secrets', async (request, reply) => {
    const { tenantId, clientRef } = await tenantOf(request.params)
    const body = parseInput(secretBody, request.body)
    const secret = await oauth.clients.addSecret(tenantId, clientRef, body.lifetime_days)
    if (!secret) throw notFound('active OAuth client')
    return reply.code(201).send(secretJson(secret))
  })

  app.delete('/tenants/:tenantId/oauth-clients/:clientRef/secrets/:secretId', async (request, reply) => {
    const p = parseInput(secretParams, request.params, 'path')
    const tenant = await requireTenant(db, { tenantId: p.tenantId })
    if (!(await oauth.clients.revokeSecret(tenant.id, p.clientRef, p.secretId))) throw notFound('active client secret')
    return reply.code(204).send()
  })

  app.post('/tenants/:tenantId/oauth-clients/:clientRef/access-tokens', async (request, reply) => {
    const { tenantId, clientRef } = await tenantOf(request.params)
    const client = await oauth.clients.get(tenantId, clientRef)
    if (!client) throw notFound('OAuth client')
    if (client.revokedAt !== null) throw new AdminError(409, 'conflict', 'the OAuth client is revoked')
    const lifetime = opts.accessTokenLifetimeSeconds
    const issued = await oauth.accessTokens.issue(tenantId, { clientRef, secretRef: null }, lifetime, GRANTED_SCOPE)
    return reply.code(201).header('cache-control', 'no-store').send({
      access_token: issued.accessToken,
      token_type: 'Bearer',
      expires_in: issued.expiresIn,
      scope: issued.scope,
      created_at: new Date()
    })
  })
}
