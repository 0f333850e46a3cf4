import type { FastifyInstance } from 'fastify'
import { resourceTypeDocument } from '../../scim/discovery/resource-types.js'
import { allSchemas, schemaDocument } from '../../scim/discovery/schemas.js'
import { serviceProviderConfig } from '../../scim/discovery/service-provider-config.js'
import { ScimError } from '../../scim/errors.js'
import { listResponse } from '../../scim/list/list-response.js'
import type { ResourceTypeDefinition } from '../../scim/schemas/resource-types.js'
import { methodNotAllowed, sendScim, type RouteContext } from './http.js'

interface IdParams { id: string }

const OTHER_METHODS = ['POST', 'PUT', 'PATCH', 'DELETE'] as const

/**
 * RFC 7644 §4 discovery: `/ServiceProviderConfig`, `/ResourceTypes` (User first: Microsoft's
 * collection reads Resources[0]) and `/Schemas`, read-only (405 otherwise, Okta's SPEC test).
 */
export function registerDiscoveryRoutes (
  app: FastifyInstance, types: ResourceTypeDefinition[], context: RouteContext
): void {
  const schemas = allSchemas(types)

  app.get('/ServiceProviderConfig', async (request, reply) =>
    sendScim(reply, 200, serviceProviderConfig(context.baseUrl(request), context.maxPageSize)))

  app.get('/ResourceTypes', async (request, reply) => {
    const docs = types.map((t) => resourceTypeDocument(t, context.baseUrl(request)))
    return sendScim(reply, 200, listResponse(docs, docs.length, 1))
  })
  app.get<{ Params: IdParams }>('/ResourceTypes/:id', async (request, reply) => {
    const type = types.find((t) => t.name.toLowerCase() === request.params.id.toLowerCase())
    if (!type) throw new ScimError(404, undefined, `no resource type ${request.params.id}`)
    return sendScim(reply, 200, resourceTypeDocument(type, context.baseUrl(request)))
  })

  app.get('/Schemas', async (request, reply) => {
    const docs = schemas.map((s) => schemaDocument(s, context.baseUrl(request)))
    return sendScim(reply, 200, listResponse(docs, docs.length, 1))
  })
  app.get<{ Params: IdParams }>('/Schemas/:id', async (request, reply) => {
    const schema = schemas.find((s) => s.id.toLowerCase() === request.params.id.toLowerCase())
    if (!schema) throw new ScimError(404, undefined, `no schema ${request.params.id}`)
    return sendScim(reply, 200, schemaDocument(schema, context.baseUrl(request)))
  })

  for (const url of ['/ServiceProviderConfig', '/ResourceTypes', '/ResourceTypes/:id', '/Schemas', '/Schemas/:id']) {
    app.route({ method: [...OTHER_METHODS], url, handler: methodNotAllowed('GET') })
  }

  // RFC 7644 §3.7 and §3.11: Bulk and /Me are not offered (bulk.supported is false).
  const notImplemented = (what: string) => async (): Promise<never> => {
    throw new ScimError(501, undefined, `${what} is not supported by this server`)
  }
  app.route({ method: ['GET', ...OTHER_METHODS], url: '/Bulk', handler: notImplemented('Bulk') })
  app.route({ method: ['GET', ...OTHER_METHODS], url: '/Me', handler: notImplemented('/Me') })
}
