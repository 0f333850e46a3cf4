import type { Sentinels } from '../db/compiled-shapes.js'
import type { FilterNode } from '../scim/filter/ir.js'
import { valueClassOf } from './filter-sql.js'

/**
 * A filter's shape for src/db/compiled-shapes.ts: its structure, attributes and operators, and
 * each compared value's class (filter-sql.ts `valueClassOf`), but not the values themselves.
 * Strings go into `values` in the order they are met; booleans are part of the shape (the
 * compiler writes them as they are).
 */
export function filterShape (node: FilterNode, values: unknown[]): string {
  switch (node.kind) {
    case 'and':
    case 'or':
      return `${node.kind}(${node.items.map((item) => filterShape(item, values)).join(',')})`
    case 'not':
      return `not(${filterShape(node.item, values)})`
    case 'present':
      return `pr(${attrKey(node.attr)})`
    case 'any':
      return `any(${attrKey(node.attr)};${filterShape(node.where, values)})`
    case 'compare': {
      const kind = valueClassOf(node.value)
      if (typeof node.value === 'string') values.push(node.value)
      return `${node.op}(${attrKey(node.attr)};${kind})`
    }
  }
}

/** The same filter with a sentinel in place of each string value, in `filterShape`'s order. */
export function withSentinels (node: FilterNode, sentinels: Sentinels): FilterNode {
  switch (node.kind) {
    case 'and':
    case 'or':
      return { kind: node.kind, items: node.items.map((item) => withSentinels(item, sentinels)) }
    case 'not':
      return { kind: 'not', item: withSentinels(node.item, sentinels) }
    case 'present':
      return node
    case 'any':
      return { kind: 'any', attr: node.attr, where: withSentinels(node.where, sentinels) }
    case 'compare':
      if (typeof node.value !== 'string') return node
      return { ...node, value: valueClassOf(node.value) === 'uuid' ? sentinels.uuid() : sentinels.text() }
  }
}

function attrKey (attr: { path: string[], type: string, caseExact: boolean }): string {
  return JSON.stringify([attr.path, attr.type, attr.caseExact])
}
