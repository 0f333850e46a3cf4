import type { JsonObject } from '../resource/json.js'
import type { ResourceTypeDefinition } from '../schemas/resource-types.js'
import type { AttributeDefinition, SchemaDefinition } from '../schemas/types.js'
import { URN } from '../schemas/urns.js'

function attributeDocument (def: AttributeDefinition): JsonObject {
  const doc: JsonObject = {
    name: def.name,
    type: def.type,
    multiValued: def.multiValued,
    description: def.description,
    required: def.required,
    caseExact: def.caseExact,
    mutability: def.mutability,
    returned: def.returned,
    uniqueness: def.uniqueness
  }
  if (def.canonicalValues) doc.canonicalValues = def.canonicalValues
  if (def.referenceTypes) doc.referenceTypes = def.referenceTypes
  if (def.subAttributes) doc.subAttributes = def.subAttributes.map(attributeDocument)
  return doc
}

/** RFC 7643 §7: one Schema document, as `/Schemas/{id}` returns it. */
export function schemaDocument (schema: SchemaDefinition, baseUrl: string): JsonObject {
  return {
    schemas: [URN.schema],
    id: schema.id,
    name: schema.name,
    description: schema.description,
    attributes: schema.attributes.map(attributeDocument),
    meta: { resourceType: 'Schema', location: `${baseUrl}/Schemas/${schema.id}` }
  }
}

/** Every schema the resource types use, core schemas first (User's before Group's). */
export function allSchemas (types: readonly ResourceTypeDefinition[]): SchemaDefinition[] {
  const out: SchemaDefinition[] = []
  for (const type of types) if (!out.includes(type.schema)) out.push(type.schema)
  for (const type of types) for (const e of type.extensions) if (!out.includes(e.schema)) out.push(e.schema)
  return out
}
