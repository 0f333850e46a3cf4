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
