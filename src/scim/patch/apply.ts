import { ScimError } from '../errors.js'
import { evaluateFilter } from '../filter/evaluate.js'
import type { ResourceTypeDefinition } from '../schemas/resource-types.js'
import type { ResolvedAttribute } from '../schemas/resolve.js'
import { cloneJson, isObject, type JsonObject } from '../resource/json.js'
import { assign, checkRequired, normalizeAttributeValue } from '../resource/normalize.js'
import { appendUnique, elementFromFilter, enforceSinglePrimary, matchesAnyValue, withoutEmptyElements } from './elements.js'
import { memberDelta, type MemberDelta } from './members.js'
import { sameRole } from '../resource/entra-app-roles.js'
import { normalizeOperations, type PatchOperation, type PatchOperationInput } from './operations.js'

export interface PatchResult {
  /** The resource body after every operation, canonical (without id, meta and delta attributes). */
  data: JsonObject
  /** Membership changes, in request order, for the storage to apply as SQL deltas. */
  memberDeltas: MemberDelta[]
}

export interface PatchOptions {
  /** The resource's id: a path-less value may repeat it (Okta), never change it. */
  id: string
  /** The multi-valued attribute kept outside `data` and changed by deltas (Groups: `members`). */
  deltaAttribute?: string
}

function containerOf (data: JsonObject, target: ResolvedAttribute, create: boolean): JsonObject | undefined {
  if (!target.container) return data
  const existing = data[target.container]
  if (isObject(existing)) return existing
  if (!create) return undefined
  const block: JsonObject = {}
  data[target.container] = block
  return block
}

function dropEmptyContainer (data: JsonObject, target: ResolvedAttribute): void {
  const block = target.container ? data[target.container] : undefined
  if (target.container && isObject(block) && Object.keys(block).length === 0) delete data[target.container]
}

function applyToElements (container: JsonObject, operation: PatchOperation, target: ResolvedAttribute): void {
  const { attribute } = target
  const path = operation.path
  const elements = (Array.isArray(container[attribute.name]) ? container[attribute.name] : []) as JsonObject[]
  const matches = path?.filter ? elements.filter((e) => evaluateFilter(path.filter!, e)) : elements
  const sub = path?.sub
  if (operation.op === 'remove') {
    let kept: JsonObject[]
    if (sub) {
      for (const element of matches) delete element[sub.name]
      kept = elements.filter((e) => Object.keys(e).length > 0)
    } else if (path?.filter) {
      kept = elements.filter((e) => !matches.includes(e))
    } else if (operation.value !== undefined) {
      // Remove with a value list (Entra without aadOptscim062020, docs/idp-behaviour.md §C).
      const values = (normalizeAttributeValue(attribute, operation.value) ?? []) as unknown[]
      kept = elements.filter((e) => !matchesAnyValue(e, values))
    } else {
      kept = []
    }
    assign(container, attribute.name, kept.length > 0 ? kept : undefined)
    return
  }
  if (!path?.filter && !sub) {
    const values = (normalizeAttributeValue(attribute, operation.value) ?? []) as unknown[]
    if (operation.op === 'replace') {
      const replaced = [...values] as JsonObject[]
      enforceSinglePrimary(replaced, replaced.findLast((e) => e.primary === true))
      const kept = withoutEmptyElements(replaced)
      assign(container, attribute.name, kept.length > 0 ? kept : undefined)
    } else {
      // A role is its value: Entra adds the roles a user has again, in another shape.
      appendUnique(elements, values, attribute.name === 'roles' ? sameRole : undefined)
      const kept = withoutEmptyElements(elements)
      assign(container, attribute.name, kept.length > 0 ? kept : undefined)
    }
    return
  }
  const patch: JsonObject = sub
    ? { [sub.name]: normalizeAttributeValue(sub, operation.value, `${attribute.name}.${sub.name}`) }
    : (normalizeAttributeValue({ ...attribute, multiValued: false }, operation.value) as JsonObject | undefined) ?? {}
  const targets = matches.length > 0
    ? matches
    : [path?.filter ? elementFromFilter(path.filter, path.text) : {}]
  if (matches.length === 0) elements.push(targets[0] as JsonObject)
  for (const element of targets) {
    for (const [key, value] of Object.entries(patch)) assign(element, key, value)
    enforceSinglePrimary(elements, element)
  }
  const kept = elements.filter((e) => Object.keys(e).length > 0)
  assign(container, attribute.name, kept.length > 0 ? kept : undefined)
}

function applySingular (container: JsonObject, operation: PatchOperation, target: ResolvedAttribute): void {
  const { attribute } = target
  const sub = operation.path?.sub
  if (sub) {
    const current = isObject(container[attribute.name]) ? { ...(container[attribute.name] as JsonObject) } : {}
    assign(current, sub.name, operation.op === 'remove' ? undefined : normalizeAttributeValue(sub, operation.value, `${attribute.name}.${sub.name}`))
    assign(container, attribute.name, Object.keys(current).length > 0 ? current : undefined)
    return
  }
  if (operation.op === 'remove') {
    delete container[attribute.name]
    return
  }
  const value = normalizeAttributeValue(attribute, operation.value)
  if (attribute.type === 'complex' && isObject(value) && isObject(container[attribute.name])) {
    // RFC 7644 §3.5.2.1/§3.5.2.3: sub-attributes not given are left unchanged.
    container[attribute.name] = { ...(container[attribute.name] as JsonObject), ...value }
    return
  }
  assign(container, attribute.name, value)
}

function applyOne (data: JsonObject, operation: PatchOperation, options: PatchOptions, deltas: MemberDelta[]): void {
  const target = operation.path?.target
  if (!target) return // unknown attribute: ignored, like unknown attributes in POST and PUT
  if (target.kind === 'extension') {
    if (target.extension.readOnly) throw ScimError.of('mutability', `${target.extension.schema.id} is readOnly`)
    if (operation.op === 'remove') delete data[target.extension.schema.id]
    else throw ScimError.of('invalidPath', `${target.extension.schema.id}: give its attributes as the value of a path-less ${operation.op}`)
    return
  }
  if (!target.writable) throw ScimError.of('mutability', `${operation.path?.text ?? target.attribute.name} is readOnly`)
  if (!target.container && target.attribute.name === options.deltaAttribute) {
    deltas.push(memberDelta(operation, target.attribute))
    return
  }
  const container = containerOf(data, target, operation.op !== 'remove')
  if (!container) return
  if (target.attribute.multiValued) applyToElements(container, operation, target)
  else applySingular(container, operation, target)
  dropEmptyContainer(data, target)
}

/**
 * Applies a PATCH request (RFC 7644 §3.5.2) to a resource body, all operations or none: it
 * works on a copy and throws a ScimError on the first bad operation. Pure: no I/O.
 */
export function applyPatch (
  type: ResourceTypeDefinition, data: JsonObject, inputs: readonly PatchOperationInput[], options: PatchOptions
): PatchResult {
  const operations = normalizeOperations(type, inputs, options.id)
  const result = cloneJson(data)
  const memberDeltas: MemberDelta[] = []
  for (const operation of operations) applyOne(result, operation, options, memberDeltas)
  checkRequired(type, result)
  return { data: result, memberDeltas }
}
