import type { ReadOnlyUserExtension } from '../directory/user-extensions.js'
import { attribute, type SchemaDefinition } from '../scim/schemas/types.js'
import { findPeople } from './people-repository.js'

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
 * The Meta state block for a page of users (src/scim/routes/index.ts `userExtensions`): one query
 * per page; users the bridge never reconciled get no block.
 */
export const metaStateExtension: ReadOnlyUserExtension = {
  schema: metaStateSchema,
  load: async (db, tenantId, userIds) => {
    const people = await findPeople(db, tenantId, userIds)
    const out = new Map<string, Record<string, unknown>>()
    for (const [userId, p] of people) {
      const block: Record<string, unknown> = { state: p.state }
      if (p.role !== null) block.role = p.role
      if (p.lastError !== null) block.lastError = p.lastError
      if (p.updatedAt !== null) block.updated = p.updatedAt.toISOString()
      out.set(userId, block)
    }
    return out
  }
}
