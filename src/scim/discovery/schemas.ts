import type { JsonObject } from '../resource/json.js'
import type { ResourceTypeDefinition } from '../schemas/resource-types.js'
import type { AttributeDefinition, SchemaDefinition } from '../schemas/types.js'
import { URN } from '../schemas/urns.js'
import { INDEXED_ATTRIBUTES, scimLimits } from '../limits.js'

/**
 * RFC 7643 §7 has no maxLength or maxItems characteristic, so this server's input limits
 * (docs/scim.md "Input limits") are published where a client can read them: the description.
 */
function withLimits (def: AttributeDefinition, topLevel: boolean): string {
  const notes: string[] = []
  if (def.mutability !== 'readOnly' && (def.type === 'string' || def.type === 'reference' || def.type === 'binary')) {
    const length = topLevel && INDEXED_ATTRIBUTES.has(def.name)
      ? scimLimits.indexedStringLength
      : scimLimits.stringLength
    notes.push(`This server accepts at most ${length} characters.`)
  }
  if (def.multiValued && def.mutability !== 'readOnly' && def.name !== 'members') {
    notes.push(`This server accepts at most ${scimLimits.multiValuedCount} values.`)
  }
  return notes.length === 0 ? def.description : `${def.description} ${notes.join(' ')}`
}

function attributeDocument (def: AttributeDefinition, topLevel = true): JsonObject {
  const doc: JsonObject = {
    name: def.name,
    type: def.type,
    multiValued: def.multiValued,
    description: withLimits(def, topLevel),
    required: def.required,
    caseExact: def.caseExact,
    mutability: def.mutability,
    returned: def.returned,
    uniqueness: def.uniqueness
  }
  if (def.canonicalValues) doc.canonicalValues = def.canonicalValues
  if (def.referenceTypes) doc.referenceTypes = def.referenceTypes
  if (def.subAttributes) doc.subAttributes = def.subAttributes.map((sub) => attributeDocument(sub, false))
  return doc
}

/** RFC 7643 §7: one Schema document, as `/Schemas/{id}` returns it. */
export function schemaDocument (schema: SchemaDefinition, baseUrl: string): JsonObject {
  return {
    schemas: [URN.schema],
    id: schema.id,
    name: schema.name,
    description: schema.description,
    attributes: schema.attributes.map((def) => attributeDocument(def)),
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
