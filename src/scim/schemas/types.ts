/** RFC 7643 §2.3: the data types an attribute may have. */
export type AttributeType = 'string' | 'boolean' | 'decimal' | 'integer' | 'dateTime' | 'reference' | 'complex' | 'binary'

/** RFC 7643 §7: the attribute characteristics the server publishes and enforces. */
export interface AttributeDefinition {
  name: string
  type: AttributeType
  multiValued: boolean
  description: string
  required: boolean
  caseExact: boolean
  mutability: 'readOnly' | 'readWrite' | 'immutable' | 'writeOnly'
  returned: 'always' | 'never' | 'default' | 'request'
  uniqueness: 'none' | 'server' | 'global'
  canonicalValues?: string[]
  referenceTypes?: string[]
  subAttributes?: AttributeDefinition[]
}

/** RFC 7643 §7: a schema (core or extension) as listed by `/Schemas`. */
export interface SchemaDefinition {
  id: string
  name: string
  description: string
  attributes: AttributeDefinition[]
}

type AttributeOptions = Partial<Omit<AttributeDefinition, 'name' | 'type' | 'description'>>

/** Builds a definition with RFC 7643 §2.2's defaults, so each schema file lists only what differs. */
export function attribute (
  name: string, type: AttributeType, description: string, options: AttributeOptions = {}
): AttributeDefinition {
  return {
    name,
    type,
    multiValued: false,
    description,
    required: false,
    caseExact: false,
    mutability: 'readWrite',
    returned: 'default',
    uniqueness: 'none',
    ...options
  }
}

/** Finds an attribute by name ignoring case (RFC 7643 §2.1: attribute names are case insensitive). */
export function findAttribute (
  attributes: readonly AttributeDefinition[], name: string
): AttributeDefinition | undefined {
  const lower = name.toLowerCase()
  return attributes.find((a) => a.name.toLowerCase() === lower)
}
