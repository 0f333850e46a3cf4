import { sql, type RawBuilder } from 'kysely'
import { ScimError } from '../scim/errors.js'
import type { AttrRef, FilterNode } from '../scim/filter/ir.js'

export type SqlExpr = RawBuilder<unknown>

/** How one attribute reads in SQL: its expression and how to compare it. */
export type Operand =
  /** `uuid`: the same value as a uuid column, so `eq` can use its index (an id, a member value). */
  | { kind: 'text', expr: SqlExpr, uuid?: SqlExpr }
  | { kind: 'bool', expr: SqlExpr }
  | { kind: 'jsonbBool', expr: SqlExpr }
  | { kind: 'time', expr: SqlExpr }

/** Maps the attributes of one scope (a table row, a jsonb element, a membership) to SQL. */
export interface FilterTarget {
  operand: (attr: AttrRef) => Operand
  present: (attr: AttrRef) => SqlExpr
  any: (attr: AttrRef, where: FilterNode) => SqlExpr
}

export const invalidFilter = (detail: string): ScimError => ScimError.of('invalidFilter', detail)

const TEXT_OPS: Record<string, string> = { gt: '>', ge: '>=', lt: '<', le: '<=' }

/**
 * `nullSafe` wraps a comparison in coalesce(…, false). Only needed under `not`: elsewhere a NULL
 * comparison already acts as false in WHERE, and a bare `lower(user_name) = lower($1)` lets
 * PostgreSQL use the (tenant_id, lower(user_name)) index for the lookups every IdP sends.
 */
function guard (expr: SqlExpr, nullSafe: boolean): SqlExpr {
  return nullSafe ? sql`coalesce(${expr}, false)` : expr
}

function compareText (op: string, attr: AttrRef, expr: SqlExpr, value: string, nullSafe: boolean): SqlExpr {
  // RFC 7643 §2.2 caseExact=false: compare case-insensitively; "C" collation makes ordering
  // byte-wise, the same on PostgreSQL 15 and PGlite 18 and in the reference evaluator.
  const lhs = attr.caseExact ? expr : sql`lower(${expr})`
  const rhs = attr.caseExact ? sql`${value}::text` : sql`lower(${value}::text)`
  switch (op) {
    case 'eq': return guard(sql`${lhs} = ${rhs}`, nullSafe)
    case 'ne': return sql`not coalesce(${lhs} = ${rhs}, false)`
    case 'co': return guard(sql`strpos(${lhs}, ${rhs}) > 0`, nullSafe)
    case 'sw': return guard(sql`left(${lhs}, char_length(${rhs})) = ${rhs}`, nullSafe)
    case 'ew': return guard(sql`right(${lhs}, char_length(${rhs})) = ${rhs}`, nullSafe)
    default: return guard(sql`${lhs} collate "C" ${sql.raw(TEXT_OPS[op] as string)} ${rhs} collate "C"`, nullSafe)
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/**
 * What of a compared value decides the SQL `filterToSql` writes, besides the attribute and the
 * operator: a boolean is written as itself, and a string's uuid syntax picks the uuid index
 * (or `false`). A compiled statement can be reused for another value of the same class
 * (src/directory/filter-shape-sql.ts); any new branch on a value's content belongs here too.
 */
export function valueClassOf (value: string | boolean): 'text' | 'uuid' | 'true' | 'false' {
  if (typeof value === 'boolean') return value ? 'true' : 'false'
  return UUID.test(value) ? 'uuid' : 'text'
}

const TIME_OPS: Record<string, string> = { eq: '=', gt: '>', ge: '>=', lt: '<', le: '<=' }

function compare (node: Extract<FilterNode, { kind: 'compare' }>, target: FilterTarget, nullSafe: boolean): SqlExpr {
  const operand = target.operand(node.attr)
  const { value, op } = node
  switch (operand.kind) {
    case 'text':
      if (operand.uuid && op === 'eq') {
        // uuid input is case-insensitive and renders lower-case, so this is the same test as
        // lower(text) = lower(value), but on the index; a non-uuid value matches no row.
        return UUID.test(String(value)) ? sql`${operand.uuid} = ${String(value)}::uuid` : sql`false`
      }
      return compareText(op, node.attr, operand.expr, String(value), nullSafe)
    case 'bool':
    case 'jsonbBool': {
      const rhs = operand.kind === 'bool' ? sql`${value}::boolean` : sql`to_jsonb(${value}::boolean)`
      return op === 'ne' ? sql`not coalesce(${operand.expr} = ${rhs}, false)` : guard(sql`${operand.expr} = ${rhs}`, nullSafe)
    }
    case 'time': {
      // Timestamps are compared at the millisecond precision meta.created is rendered with.
      const lhs = sql`date_trunc('milliseconds', ${operand.expr})`
      if (op === 'ne') return sql`not coalesce(${lhs} = ${value}::timestamptz, false)`
      return guard(sql`${lhs} ${sql.raw(TIME_OPS[op] as string)} ${value}::timestamptz`, nullSafe)
    }
  }
}

/**
 * Compiles a filter to a SQL condition that selects what the reference evaluator
 * (src/scim/filter/evaluate.ts) selects: two-valued under `not` (NULL never leaks into a
 * negation), plain comparisons elsewhere. Every value is a bound parameter.
 */
export function filterToSql (node: FilterNode, target: FilterTarget, nullSafe = false): SqlExpr {
  switch (node.kind) {
    case 'and':
    case 'or':
      return sql`(${sql.join(node.items.map((item) => filterToSql(item, target, nullSafe)), sql.raw(` ${node.kind} `))})`
    case 'not':
      return sql`(not ${filterToSql(node.item, target, true)})`
    case 'present':
      return target.present(node.attr)
    case 'compare':
      return compare(node, target, nullSafe)
    case 'any':
      return target.any(node.attr, node.where)
  }
}

/** `pr` over a jsonb value: neither missing, null, "" nor an empty array or object. */
export function jsonbPresent (expr: SqlExpr): SqlExpr {
  return sql`coalesce(jsonb_typeof(${expr}) <> 'null' and ${expr} not in ('""'::jsonb, '[]'::jsonb, '{}'::jsonb), false)`
}

/** `pr` over a text column. */
export function textPresent (expr: SqlExpr): SqlExpr {
  return sql`coalesce(${expr} <> '', false)`
}

/** Attributes of one element of a jsonb array (`el.v` inside `jsonb_array_elements`). */
export function jsonElementTarget (element: SqlExpr): FilterTarget {
  return {
    operand: (attr) => attr.type === 'boolean'
      ? { kind: 'jsonbBool', expr: sql`(${element} #> ${attr.path}::text[])` }
      : { kind: 'text', expr: sql`(${element} #>> ${attr.path}::text[])` },
    present: (attr) => jsonbPresent(sql`(${element} #> ${attr.path}::text[])`),
    any: () => { throw invalidFilter('value paths cannot be nested') }
  }
}

/**
 * RFC 7644 §3.4.2.2 value path over a jsonb array: one element must satisfy the whole filter
 * (docs/architecture.md "SCIM dialects" (2)).
 */
export function anyJsonElement (array: SqlExpr, where: FilterNode): SqlExpr {
  const elements = sql`case when jsonb_typeof(${array}) = 'array' then ${array} else '[]'::jsonb end`
  return sql`exists (select 1 from jsonb_array_elements(${elements}) as el(v) where ${filterToSql(where, jsonElementTarget(sql`el.v`))})`
}
