import { z } from 'zod'
import { ScimError } from '../../scim/errors.js'
import type { RawListParams } from '../../scim/list/params.js'
import type { PatchOperationInput } from '../../scim/patch/operations.js'
import { URN } from '../../scim/schemas/urns.js'

/** Keys matched case-insensitively (clients send `Operations`/`operations`, `startIndex`/`startindex`). */
function lowerKeys (value: unknown): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k.toLowerCase(), v]))
}

const text = z.union([z.string(), z.array(z.string())]).optional()
  .transform((v) => (Array.isArray(v) ? v.join(',') : v))

/** RFC 7644 §3.4.2 query parameters; repeated ones are joined with commas. */
const listQuery = z.object({
  filter: text,
  startindex: text,
  count: text,
  sortby: text,
  sortorder: text,
  attributes: text,
  excludedattributes: text
})

const list = z.union([z.string(), z.array(z.string())]).optional()
  .transform((v) => (Array.isArray(v) ? v.join(',') : v))

/** RFC 7644 §3.4.3 SearchRequest body. */
const searchBody = z.object({
  schemas: z.array(z.string()).optional(),
  filter: z.string().optional(),
  startindex: z.union([z.number(), z.string()]).optional(),
  count: z.union([z.number(), z.string()]).optional(),
  sortby: z.string().optional(),
  sortorder: z.string().optional(),
  attributes: list,
  excludedattributes: list
})

/** RFC 7644 §3.5.2 PatchOp body. */
const patchBody = z.object({
  schemas: z.array(z.string()).optional(),
  operations: z.array(z.preprocess(lowerKeys, z.object({
    op: z.string(),
    path: z.string().nullish(),
    value: z.unknown().optional()
  }))).min(1)
})

function parse<T> (schema: z.ZodType<T>, value: unknown, what: string): T {
  const result = schema.safeParse(lowerKeys(value ?? {}))
  if (!result.success) {
    const issue = result.error.issues[0]
    throw ScimError.of('invalidSyntax', `${what}: ${issue ? `${issue.path.join('.') || 'body'} ${issue.message}` : 'invalid'}`)
  }
  return result.data
}

export function parseListQuery (query: unknown): RawListParams & { attributes?: string, excludedAttributes?: string } {
  const q = parse(listQuery, query, 'query')
  return {
    filter: q.filter,
    startIndex: q.startindex,
    count: q.count,
    sortBy: q.sortby,
    sortOrder: q.sortorder,
    attributes: q.attributes,
    excludedAttributes: q.excludedattributes
  }
}

export function parseSearchBody (body: unknown): RawListParams {
  const b = parse(searchBody, body, 'SearchRequest')
  if (b.schemas && !b.schemas.includes(URN.searchRequest)) throw ScimError.of('invalidSyntax', `schemas must contain ${URN.searchRequest}`)
  return {
    filter: b.filter,
    startIndex: b.startindex,
    count: b.count,
    sortBy: b.sortby,
    sortOrder: b.sortorder,
    attributes: b.attributes,
    excludedAttributes: b.excludedattributes
  }
}

export function parsePatchBody (body: unknown): PatchOperationInput[] {
  if (body === undefined) throw ScimError.of('invalidSyntax', 'PATCH needs a PatchOp body')
  const b = parse(patchBody, body, 'PatchOp')
  if (b.schemas && !b.schemas.includes(URN.patchOp)) throw ScimError.of('invalidSyntax', `schemas must contain ${URN.patchOp}`)
  return b.operations.map((o) => ({ op: o.op, path: o.path ?? undefined, value: o.value }))
}

/** A resource body for POST/PUT: a JSON object (its attributes are checked against the schema). */
export function parseResourceBody (body: unknown): Record<string, unknown> {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw ScimError.of('invalidSyntax', 'the request body must be a JSON object')
  }
  return body as Record<string, unknown>
}
