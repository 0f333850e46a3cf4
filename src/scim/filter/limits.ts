import { ScimError } from '../errors.js'
import { scimLimits } from '../limits.js'
import type { FilterNode } from './ir.js'

const invalid = (detail: string): ScimError => ScimError.of('invalidFilter', detail)

/**
 * Refuses a filter nested deeper than the limit before any parser recurses into it: the
 * parser, the compiler and the SQL they build all recurse once per level. Quoted strings are
 * skipped; an unbalanced filter is left for the parser to refuse.
 */
export function checkFilterText (text: string): void {
  if (text.length > scimLimits.filterLength) throw invalid(`filter is longer than ${scimLimits.filterLength} characters`)
  let depth = 0
  let quoted = false
  for (let i = 0; i < text.length; i++) {
    const c = text[i]
    if (quoted) {
      if (c === '\\') i++
      else if (c === '"') quoted = false
    } else if (c === '"') {
      quoted = true
    } else if (c === '(' || c === '[') {
      if (++depth > scimLimits.filterDepth) throw invalid(`filter is nested deeper than ${scimLimits.filterDepth} levels`)
    } else if (c === ')' || c === ']') {
      depth--
    }
  }
}

/** Membership collections: a condition on them is a subquery over the membership table. */
const MEMBERSHIPS = new Set(['members', 'groups'])

function isMembership (node: FilterNode): boolean {
  return (node.kind === 'any' || node.kind === 'present') && node.attr.path.length === 1 && MEMBERSHIPS.has(node.attr.path[0] ?? '')
}

/**
 * Bounds what one filter may cost the database: the number of tests, and the number of
 * membership subqueries (RFC 7644 §3.4.2.2 lets a server refuse a filter it will not
 * evaluate; `invalidFilter` is the error it names).
 */
export function checkFilterCost (root: FilterNode): void {
  let terms = 0
  let memberships = 0
  const visit = (node: FilterNode): void => {
    if (isMembership(node)) memberships++
    switch (node.kind) {
      case 'and':
      case 'or': node.items.forEach(visit); return
      case 'not': visit(node.item); return
      case 'any': visit(node.where); return
      default: terms++
    }
  }
  visit(root)
  if (terms > scimLimits.filterTerms) throw invalid(`filter has more than ${scimLimits.filterTerms} comparisons`)
  if (memberships > scimLimits.filterMembershipTerms) {
    throw invalid(`filter has more than ${scimLimits.filterMembershipTerms} conditions on members or groups`)
  }
}
