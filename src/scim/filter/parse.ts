import { parse } from 'scim2-parse-filter'
import { ScimError } from '../errors.js'
import type { ResourceTypeDefinition } from '../schemas/resource-types.js'
import type { AttributeDefinition } from '../schemas/types.js'
import { compileFilter, type FilterScope } from './compile.js'
import type { FilterNode } from './ir.js'
import { checkFilterCost, checkFilterText } from './limits.js'
import { toStrictFilter } from './lenient.js'

function parseIn (text: string, scope: FilterScope): FilterNode {
  // Length and depth before parsing, cost after: docs/scim.md "Input limits".
  checkFilterText(text)
  if (text.trim() === '') throw ScimError.of('invalidFilter', 'filter is empty')
  let ast
  try {
    ast = parse(toStrictFilter(text))
  } catch (err) {
    if (err instanceof ScimError) throw err
    throw ScimError.of('invalidFilter', `cannot parse filter: ${err instanceof Error ? err.message : String(err)}`)
  }
  const node = compileFilter(ast, scope)
  checkFilterCost(node)
  return node
}

/** RFC 7644 §3.4.2.2: a `filter` query parameter against a resource type. */
export function parseFilter (type: ResourceTypeDefinition, text: string): FilterNode {
  return parseIn(text, { kind: 'resource', type })
}

/** The filter inside a PATCH value path (`emails[type eq "work"]`), over one attribute's elements. */
export function parseElementFilter (attribute: AttributeDefinition, text: string): FilterNode {
  return parseIn(text, { kind: 'element', attribute })
}
