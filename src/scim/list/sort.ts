import { ScimError } from '../errors.js'
import type { AttrRef } from '../filter/ir.js'
import type { ResourceTypeDefinition } from '../schemas/resource-types.js'
import { jsonPath, resolveAttributePath } from '../schemas/resolve.js'
import { findAttribute } from '../schemas/types.js'

/**
 * RFC 7644 §3.4.2.3 `sortBy`: a singular attribute, or a multi-valued one sorted by its first
 * value (`emails` and `emails.value` both sort by the first email's value).
 */
export function resolveSort (type: ResourceTypeDefinition, sortBy: string): AttrRef {
  const resolved = resolveAttributePath(type, sortBy)
  if (!resolved || resolved.kind !== 'attribute') throw ScimError.of('invalidValue', `cannot sort by ${sortBy}: unknown attribute`)
  const { attribute } = resolved
  if (attribute.name === 'groups' || attribute.name === 'members') throw ScimError.of('invalidValue', `cannot sort by ${attribute.name}`)
  if (!attribute.multiValued) {
    const def = resolved.sub ?? attribute
    if (def.type === 'complex') throw ScimError.of('invalidValue', `cannot sort by the complex attribute ${sortBy}`)
    return { path: jsonPath(resolved), type: def.type, caseExact: def.caseExact }
  }
  const sub = resolved.sub ?? findAttribute(attribute.subAttributes ?? [], 'value')
  if (!sub) throw ScimError.of('invalidValue', `cannot sort by ${sortBy}`)
  return { path: [...jsonPath({ ...resolved, sub: undefined }), '0', sub.name], type: sub.type, caseExact: sub.caseExact }
}
