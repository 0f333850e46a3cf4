import type { ReadOnlyUserExtension } from '../../directory/user-extensions.js'
import { metaStateBlockSql } from './people-repository.js'
import { isObject } from '../../scim/resource/json.js'
import { attribute, type SchemaDefinition } from '../../scim/schemas/types.js'

/** Our own URN namespace: this block is the bridge's, not an IETF schema (RFC 7643 §10.2.2). */
export const META_STATE_URN = 'urn:scim-meta-bridge:schemas:extension:meta:1.0:User'

const readOnly = { mutability: 'readOnly', returned: 'default' } as const

/** RFC 7643 §3.3 extension schema: the person's Meta state, read-only. */
export const metaStateSchema: SchemaDefinition = {
  id: META_STATE_URN,
  name: 'MetaAccess',
  description: "The person's access in Meta Business Manager as the bridge last saw it (read-only).",
  attributes: [
    attribute('state', 'string', 'none, invited, member, removed, skipped or failed.', {
      ...readOnly, canonicalValues: ['none', 'invited', 'member', 'removed', 'skipped', 'failed']
    }),
    attribute('role', 'string', 'The business role in Meta (meta-graph-api.md §3.1).', readOnly),
    attribute('lastError', 'string', "Meta's message for the last failure, if the last reconcile failed.", readOnly),
    attribute('updated', 'dateTime', 'When the bridge last recorded this state.', readOnly)
  ]
}

/**
 * The Meta state block of each user (src/scim/routes/index.ts `userExtensions`), read in the
 * same statement as the user; users the bridge never reconciled get no block.
 */
export const metaStateExtension: ReadOnlyUserExtension = {
  schema: metaStateSchema,
  source: metaStateBlockSql,
  toBlock: (value) => {
    if (!isObject(value)) return undefined
    const block: Record<string, unknown> = { state: value.state }
    if (value.role !== null) block.role = value.role
    if (value.lastError !== null) block.lastError = value.lastError
    // json renders timestamptz with microseconds and an offset; SCIM dateTime as elsewhere (ms, Z).
    if (typeof value.updated === 'string') block.updated = new Date(value.updated).toISOString()
    return block
  }
}
