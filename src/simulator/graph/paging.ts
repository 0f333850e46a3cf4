import type { SimulatorSettings } from '../settings.js'
import { invalidParam } from './graph-error.js'
import { int, str, type RawParams } from './params.js'

// Cursor paging (docs/meta-graph-api.md §1.5): opaque cursors, `limit`, `after`/`before`, `paging.next` only
// while more remain, `summary=total_count`. Cursors name the item they follow, so deleting that
// item invalidates them (§1.5), unless the setting says otherwise.

interface Cursor {
  e: string // edge the cursor belongs to
  i: string | null // item id at the page boundary
  p: number // position of the boundary
  n: number // page number of the forward walk
}

const encode = (c: Cursor): string => Buffer.from(JSON.stringify(c)).toString('base64url')

function decode (raw: string, edge: string): Cursor {
  try {
    const c = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as Partial<Cursor>
    if (c.e === edge && typeof c.p === 'number' && typeof c.n === 'number') {
      return { e: c.e, i: typeof c.i === 'string' ? c.i : null, p: c.p, n: c.n }
    }
  } catch {}
  throw invalidParam('The cursor is invalid')
}

export interface PageRequest<T> {
  items: readonly T[]
  idOf: (item: T) => string
  /** Position of an item by id (-1 when absent); without it, a scan of `items`. */
  indexOf?: ((id: string) => number) | undefined
  params: RawParams
  settings: SimulatorSettings['paging']
  /** Identifies the edge (path + filters) so a cursor cannot be replayed elsewhere. */
  edgeKey: string
  /** Absolute URL of the edge, for `next`/`previous`. */
  linkBase: string
  /** Query parameters to repeat in `next`/`previous` (fields, filters, the query token). */
  linkParams: Record<string, string>
}

export interface PageOut<T> {
  data: T[]
  paging?: Record<string, unknown>
  summary?: { total_count: number }
}

/** Index of the cursor's item, or null when it has none or (setting allowing) it was deleted. */
function boundary<T> (req: PageRequest<T>, cursor: Cursor): number | null {
  if (cursor.i === null) return null
  const id = cursor.i
  const idx = req.indexOf !== undefined ? req.indexOf(id) : req.items.findIndex(item => req.idOf(item) === id)
  if (idx >= 0) return idx
  if (req.settings.cursorInvalidatedByDelete) throw invalidParam('The cursor is invalid: its item no longer exists')
  return null
}

export function pageOf<T> (req: PageRequest<T>): PageOut<T> {
  const { items, settings } = req
  const requested = int(req.params, 'limit') ?? 0
  const limit = Math.min(requested > 0 ? requested : settings.defaultLimit, settings.maxLimit)
  const after = str(req.params, 'after')
  const before = str(req.params, 'before')
  let start = 0
  let pageNo = 1
  if (after !== undefined) {
    const c = decode(after, req.edgeKey)
    // Without its item (empty page, or deleted and tolerated) the position is the next start.
    const idx = boundary(req, c)
    if (idx !== null) start = idx + 1
    else start = c.i === null ? c.p : Math.max(0, c.p - 1)
    pageNo = c.n + 1
    if (settings.maxAfterOffset !== null && start > settings.maxAfterOffset) {
      throw invalidParam('The After Cursor specified exceeds the max limit supported by this endpoint')
    }
  } else if (before !== undefined) {
    const c = decode(before, req.edgeKey)
    start = Math.max(0, (boundary(req, c) ?? c.p) - limit)
    pageNo = Math.max(1, c.n - 1)
  }
  const empty = settings.emptyPageEvery > 0 && pageNo % settings.emptyPageEvery === 0 && start < items.length
  const end = empty ? start : Math.min(items.length, start + limit)
  const data = items.slice(start, end)
  const first = data[0]
  const last = data[data.length - 1]
  const afterCursor = encode({ e: req.edgeKey, i: last === undefined ? null : req.idOf(last), p: end, n: pageNo })
  const beforeCursor = encode({ e: req.edgeKey, i: first === undefined ? null : req.idOf(first), p: start, n: pageNo })
  const link = (key: 'after' | 'before', cursor: string): string => {
    const q = new URLSearchParams({ ...req.linkParams, limit: String(limit), [key]: cursor })
    return `${req.linkBase}?${q.toString()}`
  }
  // An empty page's cursor carries only its position (i = null), so `after` resumes there.
  const paging: Record<string, unknown> = { cursors: { before: beforeCursor, after: afterCursor } }
  if (end < items.length) paging.next = link('after', afterCursor)
  if (start > 0) paging.previous = link('before', beforeCursor)
  const out: PageOut<T> = { data, paging }
  const summary = str(req.params, 'summary')
  if (summary === 'total_count' || summary === 'true') out.summary = { total_count: items.length }
  return out
}
