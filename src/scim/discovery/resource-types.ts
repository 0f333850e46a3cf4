import type { JsonObject } from '../resource/json.js'
import type { ResourceTypeDefinition } from '../schemas/resource-types.js'
import { URN } from '../schemas/urns.js'

/** RFC 7643 §6: one ResourceType document. */
export function resourceTypeDocument (type: ResourceTypeDefinition, baseUrl: string): JsonObject {
  return {
    schemas: [URN.resourceType],
    id: type.name,
    name: type.name,
    endpoint: type.endpoint,
    description: type.description,
    schema: type.schema.id,
    schemaExtensions: type.extensions.map((e) => ({ schema: e.schema.id, required: e.required })),
    meta: { resourceType: 'ResourceType', location: `${baseUrl}/ResourceTypes/${type.name}` }
  }
}
