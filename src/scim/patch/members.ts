import { ScimError } from '../errors.js'
import type { FilterNode } from '../filter/ir.js'
import type { AttributeDefinition } from '../schemas/types.js'
import { isObject } from '../resource/json.js'
import { normalizeAttributeValue } from '../resource/normalize.js'
import type { PatchOperation } from './operations.js'

/** A member as a client sends it (RFC 7643 §4.2): the member's id and an optional display. */
export interface MemberValue {
  value: string
  display?: string
}

/**
 * A membership change the storage applies in SQL, so the cost of a PATCH depends on the change,
 * not on the size of the group.
 */
export type MemberDelta =
  | { kind: 'add', members: MemberValue[] }
  | { kind: 'replace', members: MemberValue[] }
  | { kind: 'remove', values: string[] }
  | { kind: 'removeWhere', filter: FilterNode }
  | { kind: 'removeAll' }

/** Normalises a members value: a list, one member, or bare id strings (Microsoft's collection). */
export function memberValues (attribute: AttributeDefinition, value: unknown): MemberValue[] {
  const items = (normalizeAttributeValue(attribute, value) ?? []) as unknown[]
  return items.map((item) => {
    if (!isObject(item) || typeof item.value !== 'string') throw ScimError.of('invalidValue', 'every member needs a value (the member\'s id)')
    return typeof item.display === 'string' ? { value: item.value, display: item.display } : { value: item.value }
  })
}

/** `value eq "a"`, or an `or` of those, as a plain id list (the common Okta/Entra shape). */
function idsOf (filter: FilterNode): string[] | undefined {
  if (filter.kind === 'compare' && filter.op === 'eq' && filter.attr.path.join('.') === 'value' && typeof filter.value === 'string') {
    return [filter.value]
  }
  if (filter.kind === 'or') {
    const ids = filter.items.map(idsOf)
    return ids.every((list) => list !== undefined) ? (ids as string[][]).flat() : undefined
  }
  return undefined
}

/**
 * The delta for one operation on `members`: add, replace the list, remove all, remove listed
 * values (Entra legacy), or remove those matching `members[value eq "id"]` (Okta, Entra with
 * aadOptscim062020); docs/idp-behaviour.md §B, §C.
 */
export function memberDelta (operation: PatchOperation, attribute: AttributeDefinition): MemberDelta {
  const path = operation.path
  if (path?.sub || (path?.filter && operation.op !== 'remove')) {
    throw ScimError.of('invalidPath', `${path.text}: members can only be added, removed or replaced as a whole`)
  }
  if (operation.op === 'add') return { kind: 'add', members: memberValues(attribute, operation.value) }
  if (operation.op === 'replace') return { kind: 'replace', members: memberValues(attribute, operation.value) }
  if (path?.filter) {
    const ids = idsOf(path.filter)
    return ids ? { kind: 'remove', values: ids } : { kind: 'removeWhere', filter: path.filter }
  }
  if (operation.value === undefined || operation.value === null) return { kind: 'removeAll' }
  return { kind: 'remove', values: memberValues(attribute, operation.value).map((m) => m.value) }
}
