// Label values for metrics, bounded by construction: every function here maps an open-ended input
// (a URL, a Graph path, an HTTP method) onto a small fixed set, so no tenant, user or object id
// can become a label value and multiply the series count (Prometheus "Use labels" guidance).

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'])

/** An HTTP method as a label; anything unusual becomes `other`. */
export function methodLabel (method: string): string {
  const upper = method.toUpperCase()
  return METHODS.has(upper) ? upper : 'other'
}

/** `2xx`, `4xx`, … from a status code. */
export function statusClass (status: number): string {
  return `${Math.trunc(status / 100)}xx`
}

export interface ScimOperation {
  resource: string
  operation: string
}

const SCIM_PREFIX = '/scim/v2'
const DISCOVERY = new Set(['/ServiceProviderConfig', '/ResourceTypes', '/Schemas'])

/**
 * The SCIM operation of a request, from its route pattern (never the raw URL) and method:
 * RFC 7644 §3.3 create, §3.4.1 get, §3.4.2 list, §3.4.3 search, §3.5.1 replace, §3.5.2 patch,
 * §3.6 delete, §4 discovery. Undefined for routes outside /scim/v2 and for unmatched requests.
 */
export function scimOperationOf (method: string, route: string | undefined): ScimOperation | undefined {
  if (route === undefined || !route.startsWith(SCIM_PREFIX)) return undefined
  const path = route.slice(SCIM_PREFIX.length)
  const m = methodLabel(method)
  const resource = /^\/(Users|Groups)(\/|$)/.exec(path)
  if (resource?.[1] !== undefined) {
    const name = resource[1] === 'Users' ? 'User' : 'Group'
    const rest = path.slice(resource[1].length + 1)
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
  if (path === '/.search') return { resource: 'all', operation: m === 'POST' ? 'search' : 'unsupported' }
  // Route patterns are a finite, registered set, so their first segment is a bounded label.
  const base = /^\/[A-Za-z]+/.exec(path)?.[0]
  if (base === undefined) return { resource: 'other', operation: 'unsupported' }
  return { resource: base.slice(1), operation: DISCOVERY.has(base) && m === 'GET' ? 'get' : 'unsupported' }
}

/**
 * A Graph call as bounded labels. Takes the `endpoint` string the Meta client puts on every
 * call and error (`POST /v26.0/123/business_users`, see src/meta/wire/transport.ts) and replaces
 * object ids: `{id}` for numeric ids, `act_{id}` for ad accounts (reference §1.7).
 */
export function metaEndpointLabels (endpoint: string): { method: string, endpoint: string } {
  const [rawMethod = '', rawPath = ''] = endpoint.trim().split(/\s+/, 2)
  const segments = rawPath.split('?')[0]?.split('/').filter((s) => s !== '') ?? []
  // The version prefix (v26.0) says nothing about the endpoint and would split series on upgrades.
  if (segments[0] !== undefined && /^v\d+\.\d+$/.test(segments[0])) segments.shift()
  const path = segments.map((s) => {
    if (/^act_\d+$/.test(s)) return 'act_{id}'
    if (/^[a-z_]+$/.test(s)) return s
    return '{id}'
  })
  return { method: methodLabel(rawMethod), endpoint: `/${path.join('/')}` }
}
