import { ScimError } from '../errors.js'
import { scimLimits } from '../limits.js'

/** RFC 7644 §3.4.2 query parameters, as strings from a URL or values from a `.search` body. */
export interface RawListParams {
  filter?: string | undefined
  startIndex?: string | number | undefined
  count?: string | number | undefined
  sortBy?: string | undefined
  sortOrder?: string | undefined
  attributes?: string | undefined
  excludedAttributes?: string | undefined
}

export interface ListParams {
  filter: string | undefined
  /** 1-based (RFC 7644 §3.4.2.4); values below 1 are read as 1, above the limit as the limit. */
  startIndex: number
  /** Clamped to 0…maxPageSize; 0 asks for totalResults only. */
  count: number
  sortBy: string | undefined
  sortOrder: 'ascending' | 'descending'
  attributes: string | undefined
  excludedAttributes: string | undefined
}

function integer (raw: string | number | undefined, name: string): number | undefined {
  if (raw === undefined || raw === '') return undefined
  const value = typeof raw === 'number' ? raw : Number(raw.trim())
  if (!Number.isFinite(value)) throw ScimError.of('invalidValue', `${name} must be an integer`)
  return Math.trunc(value)
}

/**
 * Paging and sorting (RFC 7644 §3.4.2.3, §3.4.2.4): startIndex < 1 is 1, a negative count is 0,
 * a missing or larger count is the server maximum (advertised as filter.maxResults). A
 * startIndex past any list this server keeps is clamped, so it never reaches SQL as an offset
 * beyond PostgreSQL's bigint.
 */
export function parseListParams (raw: RawListParams, maxPageSize: number): ListParams {
  const startIndex = Math.min(scimLimits.maxStartIndex, Math.max(1, integer(raw.startIndex, 'startIndex') ?? 1))
  const count = Math.min(maxPageSize, Math.max(0, integer(raw.count, 'count') ?? maxPageSize))
  const order = raw.sortOrder?.trim().toLowerCase()
  if (order !== undefined && order !== '' && order !== 'ascending' && order !== 'descending') {
    throw ScimError.of('invalidValue', 'sortOrder must be "ascending" or "descending"')
  }
  return {
    filter: raw.filter,
    startIndex,
    count,
    sortBy: raw.sortBy?.trim() === '' ? undefined : raw.sortBy?.trim(),
    sortOrder: order === 'descending' ? 'descending' : 'ascending',
    attributes: raw.attributes,
    excludedAttributes: raw.excludedAttributes
  }
}
