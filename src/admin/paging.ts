import { z } from 'zod'

/** `?limit=&offset=` on every admin list; `next_offset` is absent on the last page. */
export const pageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(50),
  offset: z.coerce.number().int().min(0).default(0)
})

export type PageQuery = z.infer<typeof pageQuery>

export interface Page<T> {
  items: T[]
  total: number
  next_offset?: number
}

export function page<T> (items: T[], total: number, query: PageQuery): Page<T> {
  const result: Page<T> = { items, total }
  if (query.offset + items.length < total) result.next_offset = query.offset + items.length
  return result
}
