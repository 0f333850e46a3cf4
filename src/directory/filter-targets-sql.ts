import { sql } from 'kysely'
import type { AttrRef, FilterNode } from '../scim/filter/ir.js'
import {
  anyJsonElement, filterToSql, invalidFilter, jsonbPresent, textPresent, type FilterTarget, type Operand, type SqlExpr
} from './filter-sql.js'

interface Columns {
  table: 'users' | 'groups'
  resourceType: 'User' | 'Group'
  /** Attributes promoted to indexed columns (the first path segment is the attribute name). */
  text: Record<string, string>
  bool: Record<string, string>
}

function metaOperand (columns: Columns, attr: AttrRef): Operand {
  const t = sql.ref(columns.table)
  switch (attr.path[1]) {
    case 'created': return { kind: 'time', expr: sql`${t}.created_at` }
    case 'lastModified': return { kind: 'time', expr: sql`${t}.updated_at` }
    case 'resourceType': return { kind: 'text', expr: sql`${columns.resourceType}::text` }
    default: throw invalidFilter(`meta.${attr.path[1] ?? ''} cannot be filtered on`)
  }
}

function rowTarget (
  columns: Columns, collection: (attr: AttrRef, where: FilterNode | undefined) => SqlExpr | undefined
): FilterTarget {
  const t = sql.ref(columns.table)
  const data = (path: string[]): SqlExpr => sql`(${t}.data #> ${path}::text[])`
  const single = (attr: AttrRef): string | undefined => (attr.path.length === 1 ? attr.path[0] : undefined)
  return {
    operand (attr) {
      const name = single(attr)
      if (attr.path[0] === 'meta') return metaOperand(columns, attr)
      if (name === 'id') return { kind: 'text', expr: sql`${t}.id::text`, uuid: sql`${t}.id` }
      if (name && columns.text[name]) return { kind: 'text', expr: sql`${t}.${sql.ref(columns.text[name])}` }
      if (name && columns.bool[name]) return { kind: 'bool', expr: sql`${t}.${sql.ref(columns.bool[name])}` }
      if (attr.type === 'boolean') return { kind: 'jsonbBool', expr: data(attr.path) }
      if (attr.type === 'dateTime') return { kind: 'time', expr: sql`(${t}.data #>> ${attr.path}::text[])::timestamptz` }
      return { kind: 'text', expr: sql`(${t}.data #>> ${attr.path}::text[])` }
    },
    present (attr) {
      const name = single(attr)
      if (attr.path[0] === 'meta' || name === 'id') return sql`true`
      if (name && columns.text[name]) return textPresent(sql`${t}.${sql.ref(columns.text[name])}`)
      if (name && columns.bool[name]) return sql`(${t}.${sql.ref(columns.bool[name])} is not null)`
      return collection(attr, undefined) ?? jsonbPresent(data(attr.path))
    },
    any (attr, where) {
      return collection(attr, where) ?? anyJsonElement(data(attr.path), where)
    }
  }
}

/** A member row of `group_members gm`, as the `members` sub-attributes see it. */
export const memberElementTarget: FilterTarget = {
  operand (attr) {
    switch (attr.path.join('.')) {
      case 'value': return { kind: 'text', expr: sql`gm.member_id::text`, uuid: sql`gm.member_id` }
      case 'display': return { kind: 'text', expr: sql`gm.display` }
      case 'type': return { kind: 'text', expr: sql`'User'::text` }
      default: throw invalidFilter(`members.${attr.path.join('.')} cannot be filtered on`)
    }
  },
  present (attr) {
    if (attr.path.join('.') === 'display') return textPresent(sql`gm.display`)
    if (attr.path.join('.') === 'value' || attr.path.join('.') === 'type') return sql`true`
    throw invalidFilter(`members.${attr.path.join('.')} cannot be filtered on`)
  },
  any: () => { throw invalidFilter('value paths cannot be nested') }
}

/** A membership row joined to its group (`gm`, `g`), as a user's `groups` sub-attributes see it. */
const userGroupElementTarget: FilterTarget = {
  operand (attr) {
    switch (attr.path.join('.')) {
      case 'value': return { kind: 'text', expr: sql`gm.group_id::text`, uuid: sql`gm.group_id` }
      case 'display': return { kind: 'text', expr: sql`g.display_name` }
      case 'type': return { kind: 'text', expr: sql`'direct'::text` }
      default: throw invalidFilter(`groups.${attr.path.join('.')} cannot be filtered on`)
    }
  },
  present (attr) {
    if (['value', 'display', 'type'].includes(attr.path.join('.'))) return sql`true`
    throw invalidFilter(`groups.${attr.path.join('.')} cannot be filtered on`)
  },
  any: () => { throw invalidFilter('value paths cannot be nested') }
}

/** Filters over `users`: promoted columns where indexed, jsonb otherwise, groups through memberships. */
export const usersFilterTarget: FilterTarget = rowTarget(
  { table: 'users', resourceType: 'User', text: { userName: 'user_name', externalId: 'external_id', displayName: 'display_name' }, bool: { active: 'active' } },
  (attr, where) => {
    if (attr.path.length !== 1 || attr.path[0] !== 'groups') return undefined
    const condition = where ? filterToSql(where, userGroupElementTarget) : sql`true`
    return sql`exists (select 1 from group_members gm join groups g on g.tenant_id = gm.tenant_id and g.id = gm.group_id
      where gm.tenant_id = users.tenant_id and gm.member_id = users.id and ${condition})`
  }
)

/** Filters over `groups`; `members` reads group_members, never a loaded list. */
export const groupsFilterTarget: FilterTarget = rowTarget(
  { table: 'groups', resourceType: 'Group', text: { displayName: 'display_name', externalId: 'external_id' }, bool: {} },
  (attr, where) => {
    if (attr.path.length !== 1 || attr.path[0] !== 'members') return undefined
    const condition = where ? filterToSql(where, memberElementTarget) : sql`true`
    return sql`exists (select 1 from group_members gm where gm.tenant_id = groups.tenant_id and gm.group_id = groups.id and ${condition})`
  }
)
