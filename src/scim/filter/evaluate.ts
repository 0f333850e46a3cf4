import type { AttrRef, FilterNode } from './ir.js'

function valueAt (resource: unknown, path: readonly string[]): unknown {
  let current: unknown = resource
  for (const key of path) {
    if (current === null || typeof current !== 'object' || Array.isArray(current)) return undefined
    current = (current as Record<string, unknown>)[key]
  }
  return current
}

/** RFC 7644 §3.4.2.2 `pr`: a value that is neither missing, null, "" nor an empty array or object. */
export function isPresent (value: unknown): boolean {
  if (value === undefined || value === null || value === '') return false
  if (Array.isArray(value)) return value.length > 0
  if (typeof value === 'object') return Object.keys(value).length > 0
  return true
}

function compareText (attr: AttrRef, op: string, actual: string, expected: string): boolean {
  const a = attr.caseExact ? actual : actual.toLowerCase()
  const b = attr.caseExact ? expected : expected.toLowerCase()
  switch (op) {
    case 'eq': return a === b
    case 'co': return a.includes(b)
    case 'sw': return a.startsWith(b)
    case 'ew': return a.endsWith(b)
    case 'gt': return a > b
    case 'ge': return a >= b
    case 'lt': return a < b
    case 'le': return a <= b
    default: return false
  }
}

function compareTime (op: string, actual: number, expected: number): boolean {
  switch (op) {
    case 'eq': return actual === expected
    case 'gt': return actual > expected
    case 'ge': return actual >= expected
    case 'lt': return actual < expected
    case 'le': return actual <= expected
    default: return false
  }
}

function compare (node: Extract<FilterNode, { kind: 'compare' }>, resource: unknown): boolean {
  if (node.op === 'ne') return !compare({ ...node, op: 'eq' }, resource)
  const actual = valueAt(resource, node.attr.path)
  if (node.attr.type === 'boolean') return typeof actual === 'boolean' && actual === node.value
  if (typeof actual !== 'string' || typeof node.value !== 'string') return false
  if (node.attr.type === 'dateTime') {
    const time = Date.parse(actual)
    return !Number.isNaN(time) && compareTime(node.op, time, Date.parse(node.value))
  }
  return compareText(node.attr, node.op, actual, node.value)
}

/**
 * Evaluates a filter over one resource (or one element) in memory. PATCH uses it to pick the
 * elements of a value path; tests use it as the reference the SQL translation must agree with.
 */
export function evaluateFilter (node: FilterNode, resource: unknown): boolean {
  switch (node.kind) {
    case 'and': return node.items.every((item) => evaluateFilter(item, resource))
    case 'or': return node.items.some((item) => evaluateFilter(item, resource))
    case 'not': return !evaluateFilter(node.item, resource)
    case 'present': return isPresent(valueAt(resource, node.attr.path))
    case 'compare': return compare(node, resource)
    case 'any': {
      const values = valueAt(resource, node.attr.path)
      return Array.isArray(values) && values.some((element) => evaluateFilter(node.where, element))
    }
  }
}
