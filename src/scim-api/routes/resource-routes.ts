import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { listResponse } from '../../scim/list/list-response.js'
import { parseListParams, type RawListParams } from '../../scim/list/params.js'
import { etagMatches, formatEtag } from '../../scim/resource/etag.js'
import type { JsonObject } from '../../scim/resource/json.js'
import type { StoredResource } from '../../scim/resource/mapper.js'
import { applyProjection, projectionIncludes, projectionOf, type Projection } from '../../scim/resource/projection.js'
import type { ResourceService } from '../../scim/resource-service.js'
import type { ResourceTypeDefinition } from '../../scim/schemas/resource-types.js'
import { header, methodNotAllowed, sendScim, type RouteContext } from './http.js'
import { parseListQuery, parsePatchBody, parseResourceBody, parseSearchBody } from './request-bodies.js'

export interface ResourceRouteSpec<R extends StoredResource> {
  type: ResourceTypeDefinition
  /** The directory service of the type (src/directory), which implements the seam itself. */
  service: ResourceService<R>
  /** The attribute `withRelated` fills (`groups` on Users, `members` on Groups). */
  related: string
  /** The SCIM representation of a record the service returned (with what it was asked to include). */
  map: (record: R, baseUrl: string) => JsonObject
  /**
   * RFC 7644 §3.5.2 lets PATCH answer 200 with the resource or 204: Users answer 200 with the
   * resource; Groups 204 unless attributes are asked for (docs/scim.md).
   */
  patchAnswer: 'resource' | 'noContent'
  /**
   * Completes a representation after `attributes`/`excludedAttributes` were applied, with what
   * depends on what is shown (a Group's member-paging block goes with its `members`).
   */
  finish?: (record: R, shown: JsonObject) => JsonObject
}

/** A record as an answer shows it: mapped, projected (RFC 7644 §3.9), finished. */
export function renderRecord<R extends StoredResource> (
  spec: ResourceRouteSpec<R>, record: R, baseUrl: string, projection: Projection
): JsonObject {
  const shown = applyProjection(spec.map(record, baseUrl), projection)
  return spec.finish ? spec.finish(record, shown) : shown
}

interface IdParams { id: string }

/** GET/POST/PUT/PATCH/DELETE for one resource type (RFC 7644 §3.2–§3.6), plus `/.search`. */
export function registerResourceRoutes<R extends StoredResource> (
  app: FastifyInstance, spec: ResourceRouteSpec<R>, context: RouteContext
): void {
  const { type, service } = spec
  const base = type.endpoint

  /** RFC 7644 §3.9 attributes/excludedAttributes of a request; `asked` when either was sent. */
  const projectionFor = (request: FastifyRequest): Projection & { asked: boolean } => {
    const q = parseListQuery(request.query)
    return {
      ...projectionOf(type, q.attributes, q.excludedAttributes),
      asked: q.attributes !== undefined || q.excludedAttributes !== undefined
    }
  }
  const wantsRelated = (projection: Projection): boolean => projectionIncludes(projection, spec.related)
  const render = (request: FastifyRequest, record: R, projection: Projection): JsonObject =>
    renderRecord(spec, record, context.baseUrl(request), projection)

  async function list (request: FastifyRequest, reply: FastifyReply, raw: RawListParams): Promise<FastifyReply> {
    const params = parseListParams(raw, context.maxPageSize)
    const projection = projectionOf(type, params.attributes, params.excludedAttributes)
    const result = await service.list(request.tenantId, {
      filter: params.filter, startIndex: params.startIndex, count: params.count, sortBy: params.sortBy, descending: params.sortOrder === 'descending'
    }, wantsRelated(projection))
    const baseUrl = context.baseUrl(request)
    const resources = result.items.map((record) => renderRecord(spec, record, baseUrl, projection))
    return sendScim(reply, 200, listResponse(resources, result.totalResults, params.startIndex))
  }

  app.get(base, async (request, reply) => list(request, reply, parseListQuery(request.query)))
  app.post(`${base}/.search`, async (request, reply) => list(request, reply, parseSearchBody(request.body)))

  app.post(base, async (request, reply) => {
    const projection = projectionFor(request)
    const record = await service.create(request.tenantId, parseResourceBody(request.body), wantsRelated(projection))
    void reply.header('location', `${context.baseUrl(request)}${base}/${record.id}`)
    return sendScim(reply, 201, render(request, record, projection), record.version)
  })

  app.get<{ Params: IdParams }>(`${base}/:id`, async (request, reply) => {
    const projection = projectionFor(request)
    const record = await service.get(request.tenantId, request.params.id, wantsRelated(projection))
    const ifNoneMatch = header(request, 'if-none-match')
    // RFC 7644 §3.14: the client's copy is current.
    if (ifNoneMatch !== undefined && etagMatches(ifNoneMatch, record.version)) {
      return reply.code(304).header('etag', formatEtag(record.version)).send()
    }
    return sendScim(reply, 200, render(request, record, projection), record.version)
  })

  app.put<{ Params: IdParams }>(`${base}/:id`, async (request, reply) => {
    const projection = projectionFor(request)
    const record = await service.replace(request.tenantId, request.params.id, parseResourceBody(request.body), header(request, 'if-match'), wantsRelated(projection))
    return sendScim(reply, 200, render(request, record, projection), record.version)
  })

  app.patch<{ Params: IdParams }>(`${base}/:id`, async (request, reply) => {
    const projection = projectionFor(request)
    // RFC 7644 §3.5.2: 200 with the resource whenever attributes are asked for.
    const noContent = spec.patchAnswer === 'noContent' && !projection.asked
    const record = await service.patch(request.tenantId, request.params.id, parsePatchBody(request.body), header(request, 'if-match'), !noContent && wantsRelated(projection))
    if (noContent) return reply.code(204).header('etag', formatEtag(record.version)).send()
    return sendScim(reply, 200, render(request, record, projection), record.version)
  })

  app.delete<{ Params: IdParams }>(`${base}/:id`, async (request, reply) => {
    await service.delete(request.tenantId, request.params.id, header(request, 'if-match'))
    return reply.code(204).send()
  })

  app.route({ method: ['PUT', 'PATCH', 'DELETE'], url: base, handler: methodNotAllowed('GET, POST') })
  app.route({ method: ['POST'], url: `${base}/:id`, handler: methodNotAllowed('GET, PUT, PATCH, DELETE') })
}
