import { MetaApiError } from '../vocabulary/errors.js'

export interface PageResult<T> {
  data: T[]
  paging?: { cursors?: { after?: string }, next?: string }
}

/**
 * Cursor paging (docs/meta-graph-api.md §1.5). A page may hold fewer items than `limit`, even none, while
 * more remain, so paging stops only when `paging.next` is absent. The next request is rebuilt
 * from the `after` cursor instead of fetching the server-supplied URL (which would carry the
 * token and skip our signing); cursors are opaque and never stored.
 */
export async function * paginate<T> (
  fetchPage: (after: string | undefined) => Promise<PageResult<T>>,
  endpoint: string
): AsyncGenerator<T[], void, undefined> {
  const seen = new Set<string>()
  let after: string | undefined
  for (;;) {
    const page = await fetchPage(after)
    yield page.data
    const next = page.paging?.next
    if (next === undefined || next === '') return
    const cursor = page.paging?.cursors?.after ?? cursorFromUrl(next)
    if (cursor === null || seen.has(cursor)) {
      throw new MetaApiError({
        message: cursor === null ? 'paging.next without an after cursor' : 'paging cursor repeated',
        source: 'response',
        errorClass: 'unexpected',
        endpoint
      })
    }
    seen.add(cursor)
    after = cursor
  }
}

function cursorFromUrl (next: string): string | null {
  try {
    return new URL(next).searchParams.get('after')
  } catch {
    return null
  }
}

export async function collect<T> (pages: AsyncIterable<T[]>): Promise<T[]> {
  const all: T[] = []
  for await (const page of pages) all.push(...page)
  return all
}
