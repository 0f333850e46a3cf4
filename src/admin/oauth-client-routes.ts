import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import { SECRET_LIFETIME_DAYS, type ClientView, type CreatedSecret } from '../oauth/clients-service.js'
import type { OAuthServices } from '../oauth/services.js'
import { GRANTED_SCOPE } from '../oauth/token-route.js'
import { AdminError, notFound } from './admin-errors.js'
import { tenantParams } from './tenant-scope.js'
import type { ZodTypeProvider } from './zod-type-provider.js'

// Microsoft's gallery rule: secrets expire after one to three years.
const lifetimeDays = z.number().int().min(SECRET_LIFETIME_DAYS.min).max(SECRET_LIFETIME_DAYS.max)
const createBody = z.object({
  label: z.string().trim().min(1).max(100),
  secret_lifetime_days: lifetimeDays.optional()
}).strict()
const secretBody = z.object({ lifetime_days: lifetimeDays.optional() }).strict()
const clientParams = tenantParams.extend({ clientRef: z.string().uuid() })
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
  app: FastifyInstance, opts: { oauth: OAuthServices, accessTokenLifetimeSeconds: number }
): Promise<void> {
  const { oauth } = opts
  const admin = app.withTypeProvider<ZodTypeProvider>()
  const client = { schema: { params: clientParams } }

  admin.get('/oauth-clients', async (request) => {
    const items = (await oauth.clients.list(request.adminTenant.id)).map(clientJson)
    return { items, total: items.length }
  })

  admin.post('/oauth-clients', { schema: { body: createBody } }, async (request, reply) => {
    const { body } = request
    const created = await oauth.clients.create(request.adminTenant.id, body.label, body.secret_lifetime_days)
    return reply.code(201)
      .send({ ...clientJson(created.client), secrets: undefined, client_secret: secretJson(created.secret) })
  })

  admin.get('/oauth-clients/:clientRef', client, async (request) => {
    const found = await oauth.clients.get(request.adminTenant.id, request.params.clientRef)
    if (!found) throw notFound('OAuth client')
    return clientJson(found)
  })

  admin.delete('/oauth-clients/:clientRef', client, async (request, reply) => {
    const revoked = await oauth.clients.revoke(request.adminTenant.id, request.params.clientRef)
    if (!revoked) throw notFound('active OAuth client')
    return reply.code(204).send()
  })

  const newSecret = { schema: { params: clientParams, body: secretBody } }
  admin.post('/oauth-clients/:clientRef/secrets', newSecret, async (request, reply) => {
    const { clientRef } = request.params
    const secret = await oauth.clients.addSecret(request.adminTenant.id, clientRef, request.body.lifetime_days)
    if (!secret) throw notFound('active OAuth client')
    return reply.code(201).send(secretJson(secret))
  })

  const oneSecret = { schema: { params: secretParams } }
  admin.delete('/oauth-clients/:clientRef/secrets/:secretId', oneSecret, async (request, reply) => {
    const { clientRef, secretId } = request.params
    const revoked = await oauth.clients.revokeSecret(request.adminTenant.id, clientRef, secretId)
    if (!revoked) throw notFound('active client secret')
    return reply.code(204).send()
  })

  admin.post('/oauth-clients/:clientRef/access-tokens', client, async (request, reply) => {
    const tenantId = request.adminTenant.id
    const { clientRef } = request.params
    const found = await oauth.clients.get(tenantId, clientRef)
    if (!found) throw notFound('OAuth client')
    if (found.revokedAt !== null) throw new AdminError(409, 'conflict', 'the OAuth client is revoked')
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
