import type { SimContext } from '../context.js'
import type { SimToken } from '../state/model.js'
import type { RawParams } from './params.js'
import { pageOf } from './paging.js'

export type GraphMethod = 'GET' | 'POST' | 'DELETE'

/** A Graph call as the dispatcher sees it, from HTTP or from a batch operation. */
export interface GraphRequest {
  method: GraphMethod
  /** e.g. v26.0, or null when the path carries none. */
  version: string | null
  /** Path segments after the version. */
  segments: string[]
  /** Query and body parameters merged (body wins). */
  params: RawParams
  token: string | null
  tokenVia: 'header' | 'param' | 'none'
  /** http://127.0.0.1:port, for paging links. */
  origin: string
  inBatch: boolean
  /** How the body arrived: JSON, form fields (batch operations too), or no body. */
  bodyEncoding: BodyEncoding
  signal?: AbortSignal
}

export type BodyEncoding = 'json' | 'form' | 'none'

export interface GraphResponse {
  status: number
  body: unknown
  headers: Record<string, string>
}

const VERSION = /^v\d+\.\d+$/

export function splitPath (path: string): { version: string | null, segments: string[] } {
  const parts = path.split('?')[0]?.split('/').filter(s => s !== '') ?? []
  const first = parts[0]
  if (first !== undefined && VERSION.test(first)) return { version: first, segments: parts.slice(1) }
  return { version: null, segments: parts }
}

/** What a route handler gets once the call is authenticated and authorized. */
export interface HandlerInput {
  ctx: SimContext
  req: GraphRequest
  token: SimToken
  businessId: string
}

/** Pages a list edge and projects each item (§1.5, §1.4). */
export function listAnswer<T> (
  input: HandlerInput,
  items: readonly T[],
  idOf: (item: T) => string,
  projectItem: (item: T) => Record<string, unknown>,
  filterKeys: readonly string[] = [],
  /** Position of an item by id, when the caller keeps one (else a scan). */
  indexOf?: (id: string) => number
): Record<string, unknown> {
  const { req, ctx } = input
  const linkParams: Record<string, string> = {}
  for (const key of ['fields', 'summary', ...filterKeys]) {
    const v = req.params[key]
    if (typeof v === 'string') linkParams[key] = v
  }
  // Meta's `next` links carry the token only when the caller put it in the URL (§1.5).
  if (req.tokenVia === 'param' && req.token !== null) linkParams.access_token = req.token
  const path = req.segments.join('/')
  const page = pageOf({
    items,
    idOf,
    indexOf,
    params: req.params,
    settings: ctx.settings.paging,
    edgeKey: `${path}?${filterKeys.map(k => `${k}=${String(req.params[k] ?? '')}`).join('&')}`,
    linkBase: `${req.origin}/${req.version ?? ''}${req.version === null ? '' : '/'}${path}`,
    linkParams
  })
  return { ...page, data: page.data.map(projectItem) }
}
