import { enterpriseUserSchema } from './enterprise-schema.js'
import { groupSchema } from './group-schema.js'
import { memberPagingSchema } from './group-members-extension.js'
import type { SchemaDefinition } from './types.js'
import { userSchema } from './user-schema.js'

/** A schema extension of a resource type (RFC 7643 §6 `schemaExtensions`). */
export interface ExtensionDefinition {
  schema: SchemaDefinition
  required: boolean
  /**
   * Server-computed and never written by clients (e.g. the Meta state block);
   * values sent for it in POST, PUT or PATCH are ignored.
   */
  readOnly: boolean
}

/** RFC 7643 §6: a resource type, with everything the core needs to resolve its attributes. */
export interface ResourceTypeDefinition {
  name: 'User' | 'Group'
  endpoint: '/Users' | '/Groups'
  description: string
  schema: SchemaDefinition
  extensions: ExtensionDefinition[]
}

export const userResourceType: ResourceTypeDefinition = {
  name: 'User',
  endpoint: '/Users',
  description: 'User Account',
  schema: userSchema,
  extensions: [{ schema: enterpriseUserSchema, required: false, readOnly: false }]
}

export const groupResourceType: ResourceTypeDefinition = {
  name: 'Group',
  endpoint: '/Groups',
  description: 'Group',
  schema: groupSchema,
  extensions: [{ schema: memberPagingSchema, required: false, readOnly: true }]
}

/** The same resource type with one more read-only extension block (e.g. Meta state). */
export function withReadOnlyExtension (type: ResourceTypeDefinition, schema: SchemaDefinition): ResourceTypeDefinition {
  return { ...type, extensions: [...type.extensions, { schema, required: false, readOnly: true }] }
}
