import type { FastifyInstance } from 'fastify'
import { ScimError } from '../../scim/errors.js'
import { listResponse } from '../../scim/list/list-response.js'
import { parseListParams } from '../../scim/list/params.js'
import type { JsonObject } from '../../scim/resource/json.js'
import type { StoredResource } from '../../scim/resource/mapper.js'
import { projectionIncludes, projectionOf, type Projection } from '../../scim/resource/projection.js'
import type { ListRequest } from '../../scim/resource-service.js'
import { sendScim, type RouteContext } from './http.js'
import { renderRecord, type ResourceRouteSpec } from './resource-routes.js'
import { parseSearchBody } from './request-bodies.js'

/** One resource type as the root search sees it: list a page and render it. */
export interface SearchableType {
  spec: Pick<ResourceRouteSpec<StoredResource>, 'type' | 'related'>
  search: (
    tenantId: string, request: ListRequest, withRelated: boolean, baseUrl: string, projection: Projection
  ) => Promise<{ totalResults: number, resources: JsonObject[] }>
}

export function searchable<R extends StoredResource> (spec: ResourceRouteSpec<R>): SearchableType {
  return {
    spec,
    search: async (tenantId, request, withRelated, baseUrl, projection) => {
      const result = await spec.service.list(tenantId, request, withRelated)
      return {
        totalResults: result.totalResults,
        resources: result.items.map((record) => renderRecord(spec, record, baseUrl, projection))
      }
    }
  }
}

/**
 * RFC 7644 §3.4.3 `POST /.search` at the root: every resource type in turn (Users, then
 * Groups), paged as one list. A filter naming attributes one type lacks matches nothing of that
 * type; sorting across types is not offered (400).
 */
export function registerRootSearch (app: FastifyInstance, types: SearchableType[], context: RouteContext): void {
  app.post('/.search', async (request, reply) => {
    const params = parseListParams(parseSearchBody(request.body), context.maxPageSize)
    if (params.sortBy) throw ScimError.of('invalidValue', 'sortBy is not supported across resource types; search /Users or /Groups')
    let totalResults = 0
    let offset = params.startIndex - 1
    let remaining = params.count
    let lastError: unknown
    let failures = 0
    const resources: JsonObject[] = []
    for (const { spec, search } of types) {
      const projection = projectionOf(spec.type, params.attributes, params.excludedAttributes)
      const withRelated = projectionIncludes(projection, spec.related)
      let result
      try {
        result = await search(
          request.tenantId, { filter: params.filter, startIndex: offset + 1, count: remaining }, withRelated,
          context.baseUrl(request), projection
        )
      } catch (err) {
        if (!(err instanceof ScimError) || err.scimType !== 'invalidFilter') throw err
        lastError = err
        failures++
        continue
      }
      totalResults += result.totalResults
      resources.push(...result.resources)
      remaining -= result.resources.length
      offset = Math.max(0, offset - result.totalResults)
    }
    if (failures === types.length) throw lastError
    return sendScim(reply, 200, listResponse(resources, totalResults, params.startIndex))
  })
}
