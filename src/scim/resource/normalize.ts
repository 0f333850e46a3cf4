import { ScimError } from '../errors.js'
import type { ResourceTypeDefinition } from '../schemas/resource-types.js'
import { resolveAttributePath, splitUrn } from '../schemas/resolve.js'
import { findAttribute, type AttributeDefinition } from '../schemas/types.js'
import { isObject, type JsonObject } from './json.js'
import { unwrapJsonStringRole } from './entra-app-roles.js'

const invalid = (detail: string): ScimError => ScimError.of('invalidValue', detail)

function scalar (def: AttributeDefinition, value: unknown, where: string): unknown {
  switch (def.type) {
    case 'boolean':
      if (typeof value === 'boolean') return value
      // Entra ID without aadOptscim062020 sends "True"/"False" (docs/idp-behaviour.md §C).
      if (typeof value === 'string' && /^(true|false)$/i.test(value.trim())) return value.trim().toLowerCase() === 'true'
      throw invalid(`${where} must be a boolean`)
    case 'dateTime':
      if (typeof value === 'string' && !Number.isNaN(Date.parse(value))) return value
      throw invalid(`${where} must be an RFC 3339 dateTime`)
    case 'integer':
    case 'decimal': {
      const number = typeof value === 'string' ? Number(value) : value
      if (typeof number === 'number' && Number.isFinite(number) && (def.type === 'decimal' || Number.isInteger(number))) return number
      throw invalid(`${where} must be a number`)
    }
    default:
      if (typeof value === 'string') return value === '' ? undefined : value
      if (typeof value === 'number' || typeof value === 'boolean') return String(value)
      throw invalid(`${where} must be a string`)
  }
}

function complex (
  def: AttributeDefinition, given: unknown, where: string, keepReadOnly: boolean
): JsonObject | undefined {
  const subs = def.subAttributes ?? []
  const value = def.name === 'roles' ? unwrapJsonStringRole(given) : given
  // A bare string stands for the `value` sub-attribute: Microsoft's collection adds members as
  // strings, Entra sends manager as an id (docs/idp-behaviour.md §A scimgateway note).
  if (typeof value === 'string' || typeof value === 'number') {
    const valueSub = findAttribute(subs, 'value')
    if (!valueSub) throw invalid(`${where} must be an object`)
    return value === '' ? undefined : { [valueSub.name]: String(value) }
  }
  if (!isObject(value)) throw invalid(`${where} must be an object`)
  const out: JsonObject = {}
  for (const [key, raw] of Object.entries(value)) {
    let sub = findAttribute(subs, key)
    // Microsoft's collection names a member's display `displayName` (conformance/README.md).
    if (!sub && key.toLowerCase() === 'displayname' && value.display === undefined) sub = findAttribute(subs, 'display')
    if (!sub || (sub.mutability === 'readOnly' && !keepReadOnly)) continue
    if (raw === null || raw === undefined) continue
    const normalized = scalar(sub, raw, `${where}.${sub.name}`)
    if (normalized !== undefined) out[sub.name] = normalized
  }
  return Object.keys(out).length > 0 ? out : undefined
}

function single (def: AttributeDefinition, value: unknown, where: string, keepReadOnly: boolean): unknown {
  if (def.type !== 'complex') return scalar(def, value, where)
  if (Array.isArray(value) && !def.multiValued) {
    // Entra sends a singular complex value wrapped in an array ("manager", docs/idp-behaviour.md §C).
    if (value.length !== 1) throw invalid(`${where} takes one value`)
    return complex(def, value[0], where, keepReadOnly)
  }
  return complex(def, value, where, keepReadOnly)
}

/**
 * Canonical form of one attribute value (RFC 7643 §2): canonical sub-attribute names, values
 * coerced to the schema's types, unknown sub-attributes dropped. null, "" and empty arrays or
 * objects are "unassigned" (RFC 7643 §2.5) and come back as undefined.
 */
export function normalizeAttributeValue (
  def: AttributeDefinition, value: unknown, where = def.name, keepReadOnly = false
): unknown {
  if (value === null || value === undefined) return undefined
  if (!def.multiValued) return single(def, value, where, keepReadOnly)
  const items = (Array.isArray(value) ? value : [value])
    .filter((item) => item !== null && item !== undefined)
    .map((item) => single(def, item, where, keepReadOnly))
    .filter((item) => item !== undefined)
  return items.length > 0 ? items : undefined
}

/** Sets `value` at `name` in `target`, or deletes the key when the value is unassigned. */
export function assign (target: JsonObject, name: string, value: unknown): void {
  if (value === undefined) delete target[name]
  else target[name] = value
}

/**
 * A request body (POST, PUT) in canonical form: core attributes at the top, extensions under
 * their URN, keys matched case-insensitively (RFC 7643 §2.1). `id`, `meta` and `schemas` are
 * dropped (RFC 7644 §3.5.1: readOnly values SHALL be ignored), as are readOnly attributes such
 * as `groups`, read-only extensions and anything unknown (e.g. Okta's `password`).
 */
export function normalizeResource (type: ResourceTypeDefinition, body: unknown): JsonObject {
  if (!isObject(body)) throw ScimError.of('invalidSyntax', 'the request body must be a JSON object')
  const out: JsonObject = {}
  for (const [key, raw] of Object.entries(body)) {
    const split = splitUrn(type, key)
    if (split?.extension && split.rest === '') {
      if (split.extension.readOnly || raw === null || raw === undefined) continue
      if (!isObject(raw)) throw invalid(`${key} must be an object`)
      const block: JsonObject = {}
      for (const [name, value] of Object.entries(raw)) {
        const def = findAttribute(split.extension.schema.attributes, name)
        if (def && def.mutability !== 'readOnly') assign(block, def.name, normalizeAttributeValue(def, value))
      }
      if (Object.keys(block).length > 0) {
        out[split.extension.schema.id] = { ...(out[split.extension.schema.id] as JsonObject | undefined), ...block }
      }
      continue
    }
    const resolved = resolveAttributePath(type, key)
    if (!resolved || resolved.kind !== 'attribute' || resolved.sub || !resolved.writable) continue
    const value = normalizeAttributeValue(resolved.attribute, raw)
    if (resolved.container) {
      const block = { ...(out[resolved.container] as JsonObject | undefined) }
      assign(block, resolved.attribute.name, value)
      if (Object.keys(block).length > 0) out[resolved.container] = block
    } else {
      assign(out, resolved.attribute.name, value)
    }
  }
  return out
}

/** RFC 7643 §2.2 `required`: the resource type's required attributes must have a value. */
export function checkRequired (type: ResourceTypeDefinition, data: JsonObject): void {
  for (const def of type.schema.attributes) {
    if (def.required && (data[def.name] === undefined || data[def.name] === '')) {
      throw invalid(`${def.name} is required`)
    }
  }
}
