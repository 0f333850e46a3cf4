import { attribute, type SchemaDefinition } from './types.js'

/** Our own URN namespace: this block is the bridge's, not an IETF schema (RFC 7643 §10.2.2). */
export const MEMBER_PAGING_URN = 'urn:scim-meta-bridge:schemas:extension:members:1.0:Group'

const readOnly = { mutability: 'readOnly', returned: 'default' } as const

/**
 * RFC 7643 §3.3 extension schema, present on a Group only when its answer leaves members out:
 * SCIM 2.0 has no paging inside a multi-valued attribute, so the answer says how many exist
 * and docs/scim.md "Group answers" says how to read them all.
 */
export const memberPagingSchema: SchemaDefinition = {
  id: MEMBER_PAGING_URN,
  name: 'MemberPaging',
  description: 'Present when a Group answer carries only the first members of the group (read-only). ' +
    'Page through all members with GET /Users?filter=groups.value eq "<group id>".',
  attributes: [
    attribute('totalMembers', 'integer', 'How many members the group has.', readOnly),
    attribute('membersReturned', 'integer', 'How many of them the `members` of this answer lists: the first ones, in the order they were added.', readOnly),
    attribute('membersFilter', 'string', 'The filter on /Users whose pages list every member of the group.', readOnly)
  ]
}
