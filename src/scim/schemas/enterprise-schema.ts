import { attribute, type SchemaDefinition } from './types.js'
import { URN } from './urns.js'

/** RFC 7643 §4.3 and §8.7.1: the Enterprise User extension. */
export const enterpriseUserSchema: SchemaDefinition = {
  id: URN.enterpriseUser,
  name: 'EnterpriseUser',
  description: 'Enterprise User',
  attributes: [
    attribute('employeeNumber', 'string', 'Numeric or alphanumeric identifier assigned to a person, typically based on order of hire or association with an organization.'),
    attribute('costCenter', 'string', 'Identifies the name of a cost center.'),
    attribute('organization', 'string', 'Identifies the name of an organization.'),
    attribute('division', 'string', 'Identifies the name of a division.'),
    attribute('department', 'string', 'Identifies the name of a department.'),
    attribute('manager', 'complex', "The User's manager. A complex type that optionally allows service providers to represent organizational hierarchy by referencing the 'id' attribute of another User.", {
      subAttributes: [
        attribute('value', 'string', "The id of the SCIM resource representing the User's manager. REQUIRED."),
        attribute('$ref', 'reference', "The URI of the SCIM resource representing the User's manager. REQUIRED.", { referenceTypes: ['User'] }),
        attribute('displayName', 'string', "The displayName of the User's manager. OPTIONAL and READ-ONLY.", { mutability: 'readOnly' })
      ]
    })
  ]
}
