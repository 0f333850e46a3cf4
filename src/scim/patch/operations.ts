import { ScimError } from '../errors.js'
import type { ResourceTypeDefinition } from '../schemas/resource-types.js'
import { isObject } from '../resource/json.js'
import { parsePatchPath, type PatchPath } from './path.js'

/** One PATCH operation as received (RFC 7644 §3.5.2), before any normalisation. */
export interface PatchOperationInput {
  op: string
  path?: string | undefined
  value?: unknown
}

/** The canonical operation the engine applies: lower-case op and a parsed path. */
export interface PatchOperation {
  op: 'add' | 'replace' | 'remove'
  path: PatchPath | undefined
  value: unknown
}

/** PATCH requests with more operations than this are refused (RFC 7644 §3.12 tooMany). */
export const MAX_PATCH_OPERATIONS = 1000

function opName (raw: string): PatchOperation['op'] {
  // Entra without aadOptscim062020 sends Add/Replace/Remove (docs/idp-behaviour.md §C); RFC 7644
  // §3.5.2 names them in lower case.
  const op = raw.trim().toLowerCase()
  if (op === 'add' || op === 'replace' || op === 'remove') return op
  throw ScimError.of('invalidSyntax', `unknown PATCH op "${raw}"`)
}

/**
 * Splits a path-less add/replace into one operation per key (RFC 7644 §3.5.2.1/§3.5.2.3), with
 * keys that are dotted (`name.givenName`) or URN-qualified, as Entra sends with
 * aadOptscim062020, or whole extension blocks. `id` equal to the resource's own is ignored:
 * Okta's group rename repeats it (docs/idp-behaviour.md §B); `schemas` is ignored.
 */
function expandPathless (type: ResourceTypeDefinition, op: 'add' | 'replace', value: unknown, id: string): PatchOperation[] {
  if (!isObject(value)) throw ScimError.of('invalidValue', `${op} without a path needs an object value`)
  const out: PatchOperation[] = []
  for (const [key, item] of Object.entries(value)) {
    const lower = key.toLowerCase()
    if (lower === 'schemas') continue
    if (lower === 'id') {
      if (item === id) continue
      throw ScimError.of('mutability', 'id is readOnly')
    }
    if (lower === 'meta') throw ScimError.of('mutability', 'meta is readOnly')
    const path = parsePatchPath(type, key)
    if (path.target?.kind === 'extension' && isObject(item)) {
      for (const [name, sub] of Object.entries(item)) {
        out.push({ op, path: parsePatchPath(type, `${path.target.extension.schema.id}:${name}`), value: sub })
      }
      continue
    }
    out.push({ op, path, value: item })
  }
  return out
}

/** Normalises the operations of one PATCH request; throws before anything is applied. */
export function normalizeOperations (
  type: ResourceTypeDefinition, inputs: readonly PatchOperationInput[], id: string
): PatchOperation[] {
  if (inputs.length === 0) throw ScimError.of('invalidValue', 'Operations is empty')
  if (inputs.length > MAX_PATCH_OPERATIONS) throw ScimError.of('tooMany', `more than ${MAX_PATCH_OPERATIONS} operations in one PATCH`)
  const out: PatchOperation[] = []
  for (const input of inputs) {
    const op = opName(input.op)
    const hasPath = typeof input.path === 'string' && input.path.trim() !== ''
    if (!hasPath) {
      // RFC 7644 §3.5.2.2: remove without a path fails with noTarget.
      if (op === 'remove') throw ScimError.of('noTarget', 'remove needs a path')
      out.push(...expandPathless(type, op, input.value, id))
      continue
    }
    const path = parsePatchPath(type, input.path as string)
    if (op !== 'remove' && input.value === undefined) throw ScimError.of('invalidValue', `${op} ${path.text} needs a value`)
    out.push({ op, path, value: input.value })
  }
  return out
}
