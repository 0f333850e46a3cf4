import { attribute, type SchemaDefinition } from './types.js'
import { URN } from './urns.js'

/** RFC 7643 §4.2 and §8.7.1: the core Group schema. */
export const groupSchema: SchemaDefinition = {
  id: URN.group,
  name: 'Group',
  description: 'Group',
  attributes: [
    attribute('displayName', 'string', 'A human-readable name for the Group. REQUIRED.', { required: true }),
    attribute('members', 'complex', 'A list of members of the Group. Only Users can be members here (nested groups are not provisioned by Okta or Entra ID).', {
      multiValued: true,
      subAttributes: [
        attribute('value', 'string', 'Identifier of the member of this Group.', { mutability: 'immutable' }),
        attribute('$ref', 'reference', 'The URI corresponding to a SCIM resource that is a member of this Group.', { mutability: 'immutable', referenceTypes: ['User'] }),
        attribute('type', 'string', "A label indicating the type of resource, e.g., 'User' or 'Group'.", { mutability: 'immutable', canonicalValues: ['User'] }),
        attribute('display', 'string', 'A human-readable name for the member, kept as the client last sent it.')
      ]
    })
  ]
}
