import { ScimError } from '../errors.js'
import type { ResourceTypeDefinition } from '../schemas/resource-types.js'
import { resolveAttributePath, type Resolution } from '../schemas/resolve.js'
import { isObject, type JsonObject } from './json.js'

/** RFC 7644 §3.9 `attributes` / `excludedAttributes`, resolved against a resource type. */
export interface Projection {
  attributes: Resolution[] | undefined
  excluded: Resolution[]
}

/**
 * Parses a comma-separated attribute list. A value filter in an entry
 * (`emails[type eq "work"]`, sent by Microsoft's collection) selects the whole attribute;
 * unknown names select nothing.
 */
export function parseAttributeList (type: ResourceTypeDefinition, list: string | undefined): Resolution[] | undefined {
  if (list === undefined || list.trim() === '') return undefined
  if (list.length > 4096) throw ScimError.of('invalidValue', 'attribute list is too long')
  const out: Resolution[] = []
  for (const entry of list.split(',')) {
    const name = entry.replace(/\[.*?\]/g, '').trim()
    const resolved = name === '' ? undefined : resolveAttributePath(type, name)
    if (resolved) out.push(resolved)
  }
  return out
}

export function projectionOf (
  type: ResourceTypeDefinition, attributes?: string, excludedAttributes?: string
): Projection {
  return {
    attributes: parseAttributeList(type, attributes), excluded: parseAttributeList(type, excludedAttributes) ?? []
  }
}

function names (resolution: Resolution): {
  container: string | undefined, name: string | undefined, sub: string | undefined
} {
  if (resolution.kind === 'extension') return { container: resolution.extension.schema.id, name: undefined, sub: undefined }
  return { container: resolution.container, name: resolution.attribute.name, sub: resolution.sub?.name }
}

/** Whether the projection returns `attribute` (a core attribute name), e.g. members or groups. */
export function projectionIncludes (projection: Projection, attribute: string): boolean {
  const matches = (r: Resolution): boolean => r.kind === 'attribute' && !r.container && r.attribute.name === attribute
  if (projection.excluded.some((r) => matches(r) && r.kind === 'attribute' && !r.sub)) return false
  return projection.attributes === undefined || projection.attributes.some(matches)
}

function copyPath (from: JsonObject, to: JsonObject, path: string[]): void {
  const [head, ...rest] = path as [string, ...string[]]
  const value = from[head]
  if (value === undefined) return
  if (rest.length === 0) {
    to[head] = value
  } else if (Array.isArray(value)) {
    const sub = rest[0] as string
    to[head] = value.filter(isObject)
      .map((e) => (e[sub] === undefined ? {} : { [sub]: e[sub] }))
      .filter((e) => Object.keys(e).length > 0)
  } else if (isObject(value)) {
    const target = isObject(to[head]) ? to[head] as JsonObject : {}
    copyPath(value, target, rest)
    if (Object.keys(target).length > 0) to[head] = target
  }
}

function deletePath (from: JsonObject, path: string[]): void {
  const [head, ...rest] = path as [string, ...string[]]
  const value = from[head]
  if (rest.length === 0) {
    delete from[head]
  } else if (Array.isArray(value)) {
    for (const element of value) if (isObject(element)) delete element[rest[0] as string]
  } else if (isObject(value)) {
    deletePath(value, rest)
  }
}

const toPath = (r: Resolution): string[] => {
  const n = names(r)
  return [n.container, n.name, n.sub].filter((p): p is string => p !== undefined)
}

/**
 * Applies RFC 7644 §3.9 to a resource representation: `id` and `schemas` are always returned
 * (RFC 7643 §7 returned "always"); extension URNs whose block is gone leave `schemas`.
 */
export function applyProjection (resource: JsonObject, projection: Projection): JsonObject {
  // No attributes or excludedAttributes (nearly every IdP request): the default set as built.
  if (!projection.attributes && projection.excluded.length === 0) return resource
  const source = structuredClone(resource)
  let out = source
  if (projection.attributes) {
    out = { schemas: source.schemas, id: source.id }
    for (const r of projection.attributes) copyPath(source, out, toPath(r))
  }
  for (const r of projection.excluded) {
    if (r.kind === 'attribute' && r.attribute.returned === 'always' && !r.sub) continue
    deletePath(out, toPath(r))
  }
  if (Array.isArray(out.schemas)) {
    out.schemas = (out.schemas as string[]).filter((urn, i) => i === 0 || out[urn] !== undefined)
  }
  return out
}
