import { parseFilter } from '../scim/filter/parse.js'
import { resolveSort } from '../scim/list/sort.js'
import type { ListRequest, ListResult } from '../scim/resource-service.js'
import type { ResourceTypeDefinition } from '../scim/schemas/resource-types.js'
import type { ListQuery } from './records.js'

/** How one resource table reads a page of a list and counts the whole of it. */
export interface PageSource<T> {
  page: (query: ListQuery) => Promise<T[]>
  count: (filter: ListQuery['filter']) => Promise<number>
}

/**
 * RFC 7644 §3.4.2 for one resource type: the filter and sort resolved against its schema (an
 * unsupported one is a 400 before any SQL), then filtered, sorted and paged in SQL; `count` 0
 * reads the total only.
 */
export async function readPage<T> (
  type: ResourceTypeDefinition, request: ListRequest, source: PageSource<T>
): Promise<ListResult<T>> {
  const filter = request.filter === undefined ? undefined : parseFilter(type, request.filter)
  const sort = request.sortBy === undefined || request.sortBy === ''
    ? undefined
    : { attr: resolveSort(type, request.sortBy), descending: request.descending === true }
  if (request.count === 0) return { totalResults: await source.count(filter), items: [] }
  const offset = request.startIndex - 1
  const items = await source.page({ filter, sort, offset, limit: request.count })
  // A page that is not full and not past the end is the last page, so its length gives the
  // total without a second statement: the common `userName eq` lookup costs one query.
  const lastPage = items.length < request.count && (items.length > 0 || offset === 0)
  const totalResults = lastPage ? offset + items.length : await source.count(filter)
  return { totalResults, items }
}
