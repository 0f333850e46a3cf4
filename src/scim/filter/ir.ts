import type { AttributeType } from '../schemas/types.js'

/** RFC 7644 §3.4.2.2 comparison operators. */
export type CompareOp = 'eq' | 'ne' | 'co' | 'sw' | 'ew' | 'gt' | 'ge' | 'lt' | 'le'

/**
 * An attribute a filter reads: its canonical JSON path in the SCIM representation (relative to
 * the element inside `any`), with the type and case rule that decide how it is compared.
 */
export interface AttrRef {
  path: string[]
  type: AttributeType
  caseExact: boolean
}

/**
 * A resolved, type-checked filter, free of SQL and of any storage layout: the directory
 * compiles it to SQL, the reference evaluator runs it over a resource in memory.
 * Leaf semantics are two-valued: a comparison on a missing attribute is false, `ne` is `not eq`.
 */
export type FilterNode =
  | { kind: 'and' | 'or', items: FilterNode[] }
  | { kind: 'not', item: FilterNode }
  | { kind: 'compare', attr: AttrRef, op: CompareOp, value: string | boolean }
  | { kind: 'present', attr: AttrRef }
  /** Some element of the multi-valued attribute `attr` satisfies `where` (RFC 7644 §3.4.2.2 valuePath). */
  | { kind: 'any', attr: AttrRef, where: FilterNode }
