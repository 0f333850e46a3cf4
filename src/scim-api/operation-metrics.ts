import type { FastifyInstance, FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify'
import fp from 'fastify-plugin'
import { methodLabel } from '../metrics/labels.js'
import type { Metrics } from '../metrics/registry.js'
import type { ScimOperation } from '../metrics/types.js'

declare module 'fastify' {
  interface FastifyContextConfig {
    /** A SCIM route's pattern inside the SCIM scope (`/Users/:id`), set by the scope. */
    scimRoute?: string
  }
}

const DISCOVERY = new Set(['/ServiceProviderConfig', '/ResourceTypes', '/Schemas'])

/**
 * The SCIM operation of a request, from its route pattern inside the SCIM scope (never the raw
 * URL) and method: RFC 7644 §3.3 create, §3.4.1 get, §3.4.2 list, §3.4.3 search, §3.5.1
 * replace, §3.5.2 patch, §3.6 delete, §4 discovery. Undefined when no route matched.
 */
export function scimOperationOf (method: string, route: string | undefined): ScimOperation | undefined {
  if (route === undefined) return undefined
  const m = methodLabel(method)
  const resource = /^\/(Users|Groups)(\/|$)/.exec(route)
  if (resource?.[1] !== undefined) {
    const name = resource[1] === 'Users' ? 'User' : 'Group'
    const rest = route.slice(resource[1].length + 1)
    if (rest === '/.search' && m === 'POST') return { resource: name, operation: 'search' }
    if (rest === '') {
      if (m === 'GET') return { resource: name, operation: 'list' }
      if (m === 'POST') return { resource: name, operation: 'create' }
    } else if (rest === '/:id') {
      const byMethod: Record<string, string> = { GET: 'get', PUT: 'replace', PATCH: 'patch', DELETE: 'delete' }
      const operation = byMethod[m]
      if (operation !== undefined) return { resource: name, operation }
    }
    return { resource: name, operation: 'unsupported' }
  }
  // §3.4.3: a search at the root spans every resource type.
  if (route === '/.search') return { resource: 'all', operation: m === 'POST' ? 'search' : 'unsupported' }
  // Route patterns are a finite, registered set, so their first segment is a bounded label.
  const base = /^\/[A-Za-z]+/.exec(route)?.[0]
  if (base === undefined) return { resource: 'other', operation: 'unsupported' }
  return { resource: base.slice(1), operation: DISCOVERY.has(base) && m === 'GET' ? 'get' : 'unsupported' }
}

/**
 * Counts every answer of a SCIM route by operation. Registered in the SCIM scope before its
 * routes: each route is marked with its pattern inside the scope as it is added, so the count
 * needs neither the URL nor the prefix the scope is mounted under. Requests no route matched
 * (the scope's not-found handler) carry no mark and are not counted.
 */
export const operationMetricsPlugin = fp(async (scope: FastifyInstance, opts: { metrics: Metrics }) => {
  scope.addHook('onRoute', (route) => {
    route.config = { ...route.config, scimRoute: route.routePath }
  })
  scope.addHook('onResponse', (request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction) => {
    const operation = scimOperationOf(request.method, request.routeOptions.config.scimRoute)
    if (operation !== undefined) opts.metrics.recordScimOperation(operation, reply.statusCode)
    done()
  })
}, { name: 'scim-operation-metrics' })
