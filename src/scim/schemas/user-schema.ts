import { attribute, type AttributeDefinition, type SchemaDefinition } from './types.js'
import { URN } from './urns.js'

// Descriptions follow RFC 7643 §8.7.1; only the attributes this server stores are listed
// (x509Certificates, ims, photos, entitlements, profileUrl and password are not: password is
// never stored, and the others are ignored like any unknown attribute).

function typeAttribute (what: string, canonicalValues: string[]): AttributeDefinition {
  return attribute('type', 'string', `A label indicating the attribute's function, e.g., ${what}.`, { canonicalValues })
}

const primary = (what: string): AttributeDefinition => attribute('primary', 'boolean',
  `A Boolean value indicating the 'primary' or preferred attribute value for this attribute, e.g., the preferred ${what}. The primary attribute value 'true' MUST appear no more than once.`)

const display = attribute('display', 'string', 'A human-readable name, primarily used for display purposes. READ-ONLY.')

const name = attribute('name', 'complex', "The components of the user's real name. Providers MAY return just the full name as a single string in the formatted sub-attribute, or they MAY return just the individual component attributes using the other sub-attributes, or they MAY return both. If both variants are returned, they SHOULD be describing the same name, with the formatted name indicating how the component attributes should be combined.", {
  subAttributes: [
    attribute('formatted', 'string', "The full name, including all middle names, titles, and suffixes as appropriate, formatted for display (e.g., 'Ms. Barbara J Jensen, III')."),
    attribute('familyName', 'string', "The family name of the User, or last name in most Western languages (e.g., 'Jensen' given the full name 'Ms. Barbara J Jensen, III')."),
    attribute('givenName', 'string', "The given name of the User, or first name in most Western languages (e.g., 'Barbara' given the full name 'Ms. Barbara J Jensen, III')."),
    attribute('middleName', 'string', "The middle name(s) of the User (e.g., 'Jane' given the full name 'Ms. Barbara J Jensen, III')."),
    attribute('honorificPrefix', 'string', "The honorific prefix(es) of the User, or title in most Western languages (e.g., 'Ms.' given the full name 'Ms. Barbara J Jensen, III')."),
    attribute('honorificSuffix', 'string', "The honorific suffix(es) of the User, or suffix in most Western languages (e.g., 'III' given the full name 'Ms. Barbara J Jensen, III').")
  ]
})

const emails = attribute('emails', 'complex', "Email addresses for the user. The value SHOULD be canonicalized by the service provider, e.g., 'bjensen@example.com' instead of 'bjensen@EXAMPLE.COM'. Canonical type values of 'work', 'home', and 'other'.", {
  multiValued: true,
  subAttributes: [
    attribute('value', 'string', "Email addresses for the user. The value SHOULD be canonicalized by the service provider, e.g., 'bjensen@example.com' instead of 'bjensen@EXAMPLE.COM'. Canonical type values of 'work', 'home', and 'other'."),
    display,
    typeAttribute("'work' or 'home'", ['work', 'home', 'other']),
    primary('mailing address or primary email address')
  ]
})

const phoneNumbers = attribute('phoneNumbers', 'complex', "Phone numbers for the User. The value SHOULD be canonicalized by the service provider according to the format specified in RFC 3966, e.g., 'tel:+1-201-555-0123'. Canonical type values of 'work', 'home', 'mobile', 'fax', 'pager', and 'other'.", {
  multiValued: true,
  subAttributes: [
    attribute('value', 'string', 'Phone number of the User.'),
    display,
    typeAttribute("'work', 'home', 'mobile'", ['work', 'home', 'mobile', 'fax', 'pager', 'other']),
    primary('phone number or primary phone number')
  ]
})

const addresses = attribute('addresses', 'complex', "A physical mailing address for this User. Canonical type values of 'work', 'home', and 'other'. This attribute is a complex type with the following sub-attributes.", {
  multiValued: true,
  subAttributes: [
    attribute('formatted', 'string', 'The full mailing address, formatted for display or use with a mailing label. This attribute MAY contain newlines.'),
    attribute('streetAddress', 'string', 'The full street address component, which may include house number, street name, P.O. box, and multi-line extended street address information. This attribute MAY contain newlines.'),
    attribute('locality', 'string', 'The city or locality component.'),
    attribute('region', 'string', 'The state or region component.'),
    attribute('postalCode', 'string', 'The zip code or postal code component.'),
    attribute('country', 'string', 'The country name component.'),
    typeAttribute("'work' or 'home'", ['work', 'home', 'other']),
    primary('mailing address')
  ]
})

const roles = attribute('roles', 'complex', 'A list of roles for the User that collectively represent who the User is, e.g., \'Student\', \'Faculty\'.', {
  multiValued: true,
  subAttributes: [
    attribute('value', 'string', 'The value of a role.'),
    display,
    typeAttribute('role', []),
    primary('role')
  ]
})

// RFC 7643 §4.1.2: groups is read-only; membership changes go through the Group resource.
const groups = attribute('groups', 'complex', 'A list of groups to which the user belongs, either through direct membership, through nested groups, or dynamically calculated. Read-only: membership is changed through the Group resource.', {
  multiValued: true,
  mutability: 'readOnly',
  subAttributes: [
    attribute('value', 'string', "The identifier of the User's group.", { mutability: 'readOnly' }),
    attribute('$ref', 'reference', "The URI of the corresponding 'Group' resource to which the user belongs.", { mutability: 'readOnly', referenceTypes: ['User', 'Group'] }),
    attribute('display', 'string', 'A human-readable name, primarily used for display purposes. READ-ONLY.', { mutability: 'readOnly' }),
    attribute('type', 'string', "A label indicating the attribute's function, e.g., 'direct' or 'indirect'.", { mutability: 'readOnly', canonicalValues: ['direct', 'indirect'] })
  ]
})

/** RFC 7643 §4.1 and §8.7.1: the core User schema as this server stores it. */
export const userSchema: SchemaDefinition = {
  id: URN.user,
  name: 'User',
  description: 'User Account',
  attributes: [
    attribute('userName', 'string', 'Unique identifier for the User, typically used by the user to directly authenticate to the service provider. Each User MUST include a non-empty userName value. This identifier MUST be unique across the service provider\'s entire set of Users. REQUIRED.', { required: true, uniqueness: 'server' }),
    name,
    attribute('displayName', 'string', 'The name of the User, suitable for display to end-users. The name SHOULD be the full name of the User being described, if known.'),
    attribute('nickName', 'string', "The casual way to address the user in real life, e.g., 'Bob' or 'Bobby' instead of 'Robert'. This attribute SHOULD NOT be used to represent a User's username (e.g., 'bjensen' or 'mpepperidge')."),
    attribute('title', 'string', "The user's title, such as \"Vice President.\""),
    attribute('userType', 'string', "Used to identify the relationship between the organization and the user. Typical values used might be 'Contractor', 'Employee', 'Intern', 'Temp', 'External', and 'Unknown', but any value may be used."),
    attribute('preferredLanguage', 'string', "Indicates the User's preferred written or spoken language. Generally used for selecting a localized user interface; e.g., 'en_US' specifies the language English and country US."),
    attribute('locale', 'string', "Used to indicate the User's default location for purposes of localizing items such as currency, date time format, or numerical representations."),
    attribute('timezone', 'string', "The User's time zone in the 'Olson' time zone database format, e.g., 'America/Los_Angeles'."),
    attribute('active', 'boolean', "A Boolean value indicating the User's administrative status. An inactive User keeps its record, stays readable and findable, and has no Meta access."),
    emails,
    phoneNumbers,
    addresses,
    groups,
    roles
  ]
}
