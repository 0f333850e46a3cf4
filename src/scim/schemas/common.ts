import { attribute, type AttributeDefinition } from './types.js'

/**
 * RFC 7643 §3.1: attributes every resource has, defined outside any schema. Resolution treats
 * them as part of the core schema; `/Schemas` does not list them (RFC 7643 §3.1).
 */
export const commonAttributes: AttributeDefinition[] = [
  attribute('id', 'string', 'A unique identifier for a SCIM resource as defined by the service provider.', {
    caseExact: true, mutability: 'readOnly', returned: 'always', uniqueness: 'server'
  }),
  attribute('externalId', 'string', 'A String that is an identifier for the resource as defined by the provisioning client. Stored exactly as sent; not unique.', {
    caseExact: true
  }),
  attribute('meta', 'complex', 'A complex attribute containing resource metadata.', {
    mutability: 'readOnly',
    subAttributes: [
      attribute('resourceType', 'string', 'The name of the resource type of the resource.', { caseExact: true, mutability: 'readOnly' }),
      attribute('created', 'dateTime', 'The "DateTime" that the resource was added to the service provider.', { mutability: 'readOnly' }),
      attribute('lastModified', 'dateTime', 'The most recent DateTime that the details of this resource were updated at the service provider.', { mutability: 'readOnly' }),
      attribute('location', 'reference', 'The URI of the resource being returned.', { caseExact: true, mutability: 'readOnly' }),
      attribute('version', 'string', 'The version of the resource being returned (its weak ETag).', { caseExact: true, mutability: 'readOnly' })
    ]
  })
]
