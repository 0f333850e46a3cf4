import { sql } from 'kysely'
import type { AttrRef } from '../scim/filter/ir.js'
import type { FilterTarget, SqlExpr } from './filter-sql.js'

/** ORDER BY expression for a sortBy attribute: case-folded text unless caseExact, byte order. */
export function sortExpression (target: FilterTarget, attr: AttrRef): SqlExpr {
  const operand = target.operand(attr)
  if (operand.kind !== 'text') return operand.expr
  return attr.caseExact ? sql`${operand.expr} collate "C"` : sql`lower(${operand.expr}) collate "C"`
}
