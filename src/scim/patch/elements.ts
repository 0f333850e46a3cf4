import { ScimError } from '../errors.js'
import type { FilterNode } from '../filter/ir.js'
import { isObject, jsonEqual, type JsonObject } from '../resource/json.js'

/**
 * The element a filtered add/replace creates when nothing matches: the sub-attributes the
 * filter pins with `eq`. Entra sends `replace emails[type eq "work"].value` for users without a
 * work email and expects the email to appear (docs/idp-behaviour.md §C); RFC 7644 §3.5.2.3 would
 * answer noTarget, which fails the whole atomic PATCH.
 */
export function elementFromFilter (filter: FilterNode, path: string): JsonObject {
  const element: JsonObject = {}
  const collect = (node: FilterNode): void => {
    if (node.kind === 'and') {
      node.items.forEach(collect)
    } else if (node.kind === 'compare' && node.op === 'eq' && node.attr.path.length === 1) {
      element[node.attr.path[0] as string] = node.value
    } else {
      throw ScimError.of('noTarget', `${path} matches nothing, and its filter does not say what to create`)
    }
  }
  collect(filter)
  return element
}

/** RFC 7643 §2.4: at most one element may be primary; the last one set wins. */
export function enforceSinglePrimary (elements: JsonObject[], winner: JsonObject | undefined): void {
  const chosen = winner?.primary === true ? winner : undefined
  if (!chosen) return
  for (const element of elements) {
    if (element !== chosen && element.primary === true) delete element.primary
  }
}

/** Appends values that are not already present (RFC 7644 §3.5.2.1: add to a multi-valued attribute). */
export function appendUnique (
  elements: unknown[], values: unknown[], same: (a: unknown, b: unknown) => boolean = () => false
): void {
  for (const value of values) {
    // A value already present is that element: it, not the duplicate, keeps `primary`.
    let element = elements.find((existing) => jsonEqual(existing, value) || same(existing, value))
    if (element === undefined) {
      elements.push(value)
      element = value
    }
    if (isObject(element)) enforceSinglePrimary(elements.filter(isObject), element)
  }
}

/** Elements left with no sub-attribute (e.g. `{primary: true}` that lost `primary`) are dropped. */
export function withoutEmptyElements (elements: unknown[]): unknown[] {
  return elements.filter((e) => !isObject(e) || Object.keys(e).length > 0)
}

/** Whether `element` is one of `values`, compared by `value` when both have one (remove-with-value). */
export function matchesAnyValue (element: unknown, values: unknown[]): boolean {
  return values.some((candidate) => {
    if (isObject(element) && isObject(candidate) && candidate.value !== undefined) {
      return element.value === candidate.value
    }
    return jsonEqual(element, candidate)
  })
}
