import { commonAttributes } from './common.js'
import type { ExtensionDefinition, ResourceTypeDefinition } from './resource-types.js'
import { findAttribute, type AttributeDefinition } from './types.js'

/** An attribute path resolved against a resource type (RFC 7644 §3.10 `attrPath`). */
export interface ResolvedAttribute {
  kind: 'attribute'
  /** The extension URN the attribute lives under in the JSON body, or undefined for core. */
  container: string | undefined
  attribute: AttributeDefinition
  sub: AttributeDefinition | undefined
  /** Whether a client may write it: readOnly attributes and read-only extensions may not. */
  writable: boolean
}

/** A path naming a whole extension block, e.g. `urn:…:enterprise:2.0:User`. */
export interface ResolvedExtension {
  kind: 'extension'
  extension: ExtensionDefinition
}

export type Resolution = ResolvedAttribute | ResolvedExtension

/** Splits a URN prefix off `path`: the schema it names (or none) and the rest. */
export function splitUrn (type: ResourceTypeDefinition, path: string): {
  extension?: ExtensionDefinition, core: boolean, rest: string
} | undefined {
  const lower = path.toLowerCase()
  if (!lower.startsWith('urn:')) return { core: true, rest: path }
  const coreId = type.schema.id.toLowerCase()
  if (lower.startsWith(coreId + ':')) return { core: true, rest: path.slice(coreId.length + 1) }
  for (const extension of type.extensions) {
    const id = extension.schema.id.toLowerCase()
    if (lower === id) return { extension, core: false, rest: '' }
    if (lower.startsWith(id + ':')) return { extension, core: false, rest: path.slice(id.length + 1) }
  }
  return undefined
}

/**
 * Resolves `[URN:]attr[.sub]` case-insensitively (RFC 7643 §2.1, RFC 7644 §3.10); undefined
 * when the resource type has no such attribute. Filters inside brackets are handled by callers.
 */
export function resolveAttributePath (type: ResourceTypeDefinition, path: string): Resolution | undefined {
  const split = splitUrn(type, path)
  if (!split) return undefined
  if (split.extension && split.rest === '') return { kind: 'extension', extension: split.extension }
  const dot = split.rest.indexOf('.')
  const attrName = dot === -1 ? split.rest : split.rest.slice(0, dot)
  const subName = dot === -1 ? undefined : split.rest.slice(dot + 1)
  let extension = split.extension
  let attr = findAttribute(
    extension ? extension.schema.attributes : [...commonAttributes, ...type.schema.attributes], attrName
  )
  if (!attr && !extension && !path.toLowerCase().startsWith('urn:')) {
    // Entra sends the enterprise `manager` without its URN (`"path": "manager"`,
    // docs/idp-behaviour.md §C); an unqualified name no core attribute has is looked up in the
    // extensions, when exactly one of them defines it.
    const owners = type.extensions.filter((e) => findAttribute(e.schema.attributes, attrName))
    if (owners.length === 1) {
      extension = owners[0]
      attr = findAttribute(extension!.schema.attributes, attrName)
    }
  }
  if (!attr) return undefined
  let sub: AttributeDefinition | undefined
  if (subName !== undefined) {
    sub = attr.subAttributes ? findAttribute(attr.subAttributes, subName) : undefined
    if (!sub) return undefined
  }
  const readOnlyExtension = extension?.readOnly === true
  const writable = !readOnlyExtension && attr.mutability !== 'readOnly' && sub?.mutability !== 'readOnly'
  return { kind: 'attribute', container: extension?.schema.id, attribute: attr, sub, writable }
}

/** The canonical JSON path of a resolved attribute inside a resource body. */
export function jsonPath (resolved: ResolvedAttribute): string[] {
  const path = resolved.container ? [resolved.container, resolved.attribute.name] : [resolved.attribute.name]
  if (resolved.sub) path.push(resolved.sub.name)
  return path
}
