import type { Filter } from 'scim2-parse-filter'
import { ScimError } from '../errors.js'
import type { ResourceTypeDefinition } from '../schemas/resource-types.js'
import { jsonPath, resolveAttributePath } from '../schemas/resolve.js'
import { findAttribute, type AttributeDefinition } from '../schemas/types.js'
import type { AttrRef, CompareOp, FilterNode } from './ir.js'

/** Where attribute names in a filter are looked up: a resource, or the elements of one attribute. */
export type FilterScope =
  | { kind: 'resource', type: ResourceTypeDefinition }
  | { kind: 'element', attribute: AttributeDefinition }

const invalid = (detail: string): ScimError => ScimError.of('invalidFilter', detail)

function ref (path: string[], attribute: AttributeDefinition): AttrRef {
  return { path, type: attribute.type, caseExact: attribute.caseExact }
}

const ORDERING = new Set<CompareOp>(['gt', 'ge', 'lt', 'le'])
const SUBSTRING = new Set<CompareOp>(['co', 'sw', 'ew'])

/** RFC 7644 §3.4.2.2: which operators and values each attribute type admits. */
function compareValue (attr: AttrRef, op: CompareOp, raw: unknown, name: string): string | boolean {
  switch (attr.type) {
    case 'boolean': {
      if (op !== 'eq' && op !== 'ne') throw invalid(`${name} is a boolean: only eq, ne and pr apply`)
      if (typeof raw === 'boolean') return raw
      if (typeof raw === 'string' && /^(true|false)$/i.test(raw)) return raw.toLowerCase() === 'true'
      throw invalid(`${name} is a boolean: compare it with true or false`)
    }
    case 'dateTime': {
      if (SUBSTRING.has(op)) throw invalid(`${name} is a dateTime: co, sw and ew do not apply`)
      const time = typeof raw === 'string' ? Date.parse(raw) : Number.NaN
      if (Number.isNaN(time)) throw invalid(`${name} is a dateTime: ${JSON.stringify(raw)} is not an RFC 3339 time`)
      return new Date(time).toISOString()
    }
    case 'string':
    case 'reference':
      if (typeof raw === 'string') return raw
      if (typeof raw === 'number') return String(raw)
      throw invalid(`${name} is a string: compare it with a quoted value`)
    default:
      throw invalid(`${name} cannot be filtered on`)
  }
}

function leaf (attr: AttrRef, node: Filter, name: string): FilterNode {
  if (node.op === 'pr') return { kind: 'present', attr }
  if (node.op === 'eq' || node.op === 'ne' || SUBSTRING.has(node.op as CompareOp) || ORDERING.has(node.op as CompareOp)) {
    const op = node.op as CompareOp
    if (attr.type === 'complex') throw invalid(`${name} is complex: filter on one of its sub-attributes`)
    return { kind: 'compare', attr, op, value: compareValue(attr, op, (node as { compValue: unknown }).compValue, name) }
  }
  throw invalid(`unsupported operator ${node.op}`)
}

/** `emails`, `emails.value` (any element) and `name.givenName` (one value) in a resource. */
function resourceLeaf (type: ResourceTypeDefinition, node: Filter & { attrPath: string }): FilterNode {
  const resolved = resolveAttributePath(type, node.attrPath)
  if (!resolved || resolved.kind !== 'attribute') throw invalid(`unknown attribute ${node.attrPath}`)
  const { attribute, sub } = resolved
  const path = jsonPath({ ...resolved, sub: undefined })
  if (!attribute.multiValued) {
    return leaf(ref(sub ? [...path, sub.name] : path, sub ?? attribute), node, node.attrPath)
  }
  if (!sub && node.op === 'pr') return { kind: 'present', attr: ref(path, attribute) }
  // RFC 7644 §3.4.2.2: a multi-valued attribute matches when any value does; a complex one
  // without a sub-attribute is compared on its `value`.
  const target = sub ?? (attribute.subAttributes ? findAttribute(attribute.subAttributes, 'value') : undefined)
  if (!target) throw invalid(`${node.attrPath} has no value to compare`)
  return { kind: 'any', attr: ref(path, attribute), where: leaf(ref([target.name], target), node, node.attrPath) }
}

function elementLeaf (collection: AttributeDefinition, node: Filter & { attrPath: string }): FilterNode {
  const sub = collection.subAttributes ? findAttribute(collection.subAttributes, node.attrPath) : undefined
  if (!sub) throw invalid(`${collection.name} has no sub-attribute ${node.attrPath}`)
  return leaf(ref([sub.name], sub), node, `${collection.name}.${sub.name}`)
}

/** Resolves and type-checks a parsed filter; every problem is a 400 invalidFilter (RFC 7644 §3.4.2.2). */
export function compileFilter (node: Filter, scope: FilterScope): FilterNode {
  switch (node.op) {
    case 'and':
    case 'or': {
      const items = (node as { filters?: unknown }).filters
      if (!Array.isArray(items) || items.length === 0) throw invalid(`${node.op} needs filters on both sides`)
      return { kind: node.op, items: (items as Filter[]).map((f) => compileFilter(f, scope)) }
    }
    case 'not': {
      // The parser reads `a pr not (b pr)` as a two-sided "not": not is prefix-only (RFC 7644 §3.4.2.2).
      const item = (node as { filter?: unknown }).filter
      if (item === null || typeof item !== 'object') throw invalid('"not" takes one parenthesised filter after it')
      return { kind: 'not', item: compileFilter(item as Filter, scope) }
    }
    case '[]': {
      if (scope.kind === 'element') throw invalid('value paths cannot be nested')
      const { attrPath, valFilter } = node as { attrPath?: unknown, valFilter?: Filter }
      if (typeof attrPath !== 'string' || valFilter === null || typeof valFilter !== 'object') throw invalid('malformed value path')
      const resolved = resolveAttributePath(scope.type, attrPath)
      if (!resolved || resolved.kind !== 'attribute' || resolved.sub || !resolved.attribute.multiValued || resolved.attribute.type !== 'complex') {
        throw invalid(`${attrPath}[…] needs a multi-valued complex attribute`)
      }
      const where = compileFilter(valFilter, { kind: 'element', attribute: resolved.attribute })
      return { kind: 'any', attr: ref(jsonPath(resolved), resolved.attribute), where }
    }
    default: {
      const leafNode = node as Filter & { attrPath: string }
      if (typeof leafNode.attrPath !== 'string') throw invalid(`unsupported operator ${String(node.op)}`)
      return scope.kind === 'resource' ? resourceLeaf(scope.type, leafNode) : elementLeaf(scope.attribute, leafNode)
    }
  }
}
