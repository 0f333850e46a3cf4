import { ScimError } from '../errors.js'
import { parseElementFilter } from '../filter/parse.js'
import type { FilterNode } from '../filter/ir.js'
import type { ResourceTypeDefinition } from '../schemas/resource-types.js'
import { resolveAttributePath, type Resolution } from '../schemas/resolve.js'
import { findAttribute, type AttributeDefinition } from '../schemas/types.js'

/**
 * A PATCH target (RFC 7644 §3.5.2 `path`): an attribute or a whole extension, optionally narrowed
 * to the elements matching a value filter and to one sub-attribute of them.
 * `target` is undefined for attributes this server does not know: they are ignored, as in POST.
 */
export interface PatchPath {
  text: string
  target: Resolution | undefined
  filter: FilterNode | undefined
  /** The sub-attribute after a value path (`emails[type eq "work"].value`) or after a dot. */
  sub: AttributeDefinition | undefined
}

const invalidPath = (detail: string): ScimError => ScimError.of('invalidPath', detail)

/** Index of the `]` closing the `[` at `open`, skipping quoted strings. */
function closingBracket (text: string, open: number): number {
  let quoted = false
  for (let i = open + 1; i < text.length; i++) {
    const c = text[i]
    if (quoted) {
      if (c === '\\') i++
      else if (c === '"') quoted = false
    } else if (c === '"') {
      quoted = true
    } else if (c === ']') {
      return i
    }
  }
  return -1
}

/** RFC 7644 §3.5.2: `attrPath` or `valuePath ["." subAttr]`, names case-insensitive. */
export function parsePatchPath (type: ResourceTypeDefinition, text: string): PatchPath {
  const path = text.trim()
  if (path === '') throw invalidPath('path is empty')
  const open = path.indexOf('[')
  if (open === -1) {
    const target = resolveAttributePath(type, path)
    if (target?.kind === 'attribute' && target.sub) {
      return { text: path, target: { ...target, sub: undefined }, filter: undefined, sub: target.sub }
    }
    return { text: path, target, filter: undefined, sub: undefined }
  }
  const close = closingBracket(path, open)
  if (close === -1) throw invalidPath(`${path}: unbalanced [ ]`)
  const rest = path.slice(close + 1)
  if (rest !== '' && !/^\.[A-Za-z$][\w$-]*$/.test(rest)) throw invalidPath(`${path}: unexpected "${rest}" after ]`)
  const target = resolveAttributePath(type, path.slice(0, open).trim())
  if (!target) return { text: path, target: undefined, filter: undefined, sub: undefined }
  if (target.kind !== 'attribute' || target.sub || !target.attribute.multiValued || target.attribute.type !== 'complex') {
    throw invalidPath(`${path}: a value filter needs a multi-valued complex attribute`)
  }
  let filter: FilterNode
  try {
    filter = parseElementFilter(target.attribute, path.slice(open + 1, close))
  } catch (err) {
    if (err instanceof ScimError) throw invalidPath(`${path}: ${err.message}`)
    throw err
  }
  let sub: AttributeDefinition | undefined
  if (rest !== '') {
    sub = findAttribute(target.attribute.subAttributes ?? [], rest.slice(1))
    if (!sub) return { text: path, target: undefined, filter: undefined, sub: undefined }
  }
  return { text: path, target, filter, sub }
}
