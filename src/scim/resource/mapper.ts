import type { ResourceTypeDefinition } from '../schemas/resource-types.js'
import { formatEtag } from './etag.js'
import type { JsonObject } from './json.js'

/** What the storage keeps of a resource; the mapper adds id, schemas and meta. */
export interface StoredResource {
  id: string
  data: JsonObject
  version: number
  createdAt: Date
  updatedAt: Date
}

export interface GroupRef { id: string, displayName: string }
export interface MemberRef { id: string, display: string | null }

export interface MappingContext {
  /** Base URL of the SCIM API, e.g. `https://bridge.example.com/scim/v2`. */
  baseUrl: string
  /** The user's groups, when the readOnly `groups` attribute is to be returned. */
  groups?: GroupRef[] | undefined
  /** The group's members, when `members` is to be returned. */
  members?: MemberRef[] | undefined
  /** Read-only extension blocks computed by the server, keyed by schema URN. */
  extensionBlocks?: Record<string, JsonObject> | undefined
}

/** RFC 7643 §3.1 `meta`; `version` is also the ETag header (RFC 7644 §3.14). */
function meta (type: ResourceTypeDefinition, stored: StoredResource, baseUrl: string): JsonObject {
  return {
    resourceType: type.name,
    created: stored.createdAt.toISOString(),
    lastModified: stored.updatedAt.toISOString(),
    location: `${baseUrl}${type.endpoint}/${stored.id}`,
    version: formatEtag(stored.version)
  }
}

/**
 * The SCIM representation of a stored resource (RFC 7643 §3): schemas, id, externalId, core
 * attributes in schema order, readOnly collections, extension blocks, then meta.
 */
export function toScimResource (
  type: ResourceTypeDefinition, stored: StoredResource, context: MappingContext
): JsonObject {
  const schemas = [type.schema.id]
  const out: JsonObject = { schemas, id: stored.id }
  if (stored.data.externalId !== undefined) out.externalId = stored.data.externalId
  for (const def of type.schema.attributes) {
    if (def.name === 'groups' && type.name === 'User') {
      if (context.groups && context.groups.length > 0) {
        out.groups = context.groups.map((g) => ({ value: g.id, $ref: `${context.baseUrl}/Groups/${g.id}`, display: g.displayName, type: 'direct' }))
      }
    } else if (def.name === 'members' && type.name === 'Group') {
      if (context.members && context.members.length > 0) {
        out.members = context.members.map((m) => ({
          value: m.id, $ref: `${context.baseUrl}/Users/${m.id}`, type: 'User', ...(m.display === null ? {} : { display: m.display })
        }))
      }
    } else if (stored.data[def.name] !== undefined) {
      out[def.name] = stored.data[def.name]
    }
  }
  for (const extension of type.extensions) {
    const id = extension.schema.id
    const block = extension.readOnly ? context.extensionBlocks?.[id] : stored.data[id]
    if (block !== undefined) {
      out[id] = block
      schemas.push(id)
    }
  }
  out.meta = meta(type, stored, context.baseUrl)
  return out
}
