import { ScimError } from '../errors.js'
import { INDEXED_ATTRIBUTES, scimLimits } from '../limits.js'
import { isObject, type JsonObject } from './json.js'

const invalid = (detail: string): ScimError => ScimError.of('invalidValue', detail)

function checkValue (value: unknown, where: string, maxLength: number): void {
  if (typeof value === 'string') {
    if (value.length > maxLength) throw invalid(`${where} is longer than ${maxLength} characters`)
  } else if (Array.isArray(value)) {
    if (value.length > scimLimits.multiValuedCount) throw invalid(`${where} has more than ${scimLimits.multiValuedCount} values`)
    value.forEach((item, i) => { checkValue(item, `${where}[${i}]`, maxLength) })
  } else if (isObject(value)) {
    for (const [key, item] of Object.entries(value)) checkValue(item, `${where}.${key}`, maxLength)
  }
}

/**
 * The size limits of a resource about to be stored (docs/scim.md "Input limits"), checked on
 * the final document so a PATCH cannot grow a resource past what a POST may create. RFC 7643
 * has no maxLength characteristic; the limits are published in the `/Schemas` descriptions.
 */
export function checkResourceLimits (data: JsonObject): void {
  for (const [key, value] of Object.entries(data)) {
    const indexed = INDEXED_ATTRIBUTES.has(key)
    checkValue(value, key, indexed ? scimLimits.indexedStringLength : scimLimits.stringLength)
  }
  if (JSON.stringify(data).length > scimLimits.resourceJsonLength) {
    throw invalid(`the resource is larger than ${scimLimits.resourceJsonLength} characters of JSON`)
  }
}
