import { commonAttributes } from '../schemas/common.js'
import type { ResourceTypeDefinition } from '../schemas/resource-types.js'
import { findAttribute, type AttributeDefinition } from '../schemas/types.js'
import { isObject, type JsonObject } from './json.js'

function valueProblems (def: AttributeDefinition, value: unknown, where: string): string[] {
  if (value === undefined || value === null || value === '') return [`${where} is empty`]
  switch (def.type) {
    case 'boolean': return typeof value === 'boolean' ? [] : [`${where} is not a boolean`]
    case 'integer':
    case 'decimal': return typeof value === 'number' ? [] : [`${where} is not a number`]
    case 'complex': {
      if (!isObject(value) || Object.keys(value).length === 0) return [`${where} is not a non-empty object`]
      return Object.entries(value).flatMap(([key, sub]) => {
        const subDef = findAttribute(def.subAttributes ?? [], key)
        if (!subDef || subDef.name !== key) return [`${where}.${key} is not a canonical sub-attribute`]
        return valueProblems(subDef, sub, `${where}.${key}`)
      })
    }
    default: return typeof value === 'string' ? [] : [`${where} is not a string`]
  }
}

function attributeProblems (def: AttributeDefinition, value: unknown, where: string): string[] {
  if (!def.multiValued) return valueProblems(def, value, where)
  if (!Array.isArray(value) || value.length === 0) return [`${where} is not a non-empty array`]
  const problems = value.flatMap((item, i) => valueProblems(def, item, `${where}[${i}]`))
  if (value.filter((item) => isObject(item) && item.primary === true).length > 1) problems.push(`${where} has more than one primary value`)
  return problems
}

/**
 * The problems that make a stored body invalid for its resource type (RFC 7643 §2, §7): keys
 * that are not canonical writable attributes, wrong types, empty values, missing required
 * attributes, several primaries. Empty when valid. Used by tests as the PATCH invariant.
 */
export function canonicalProblems (
  type: ResourceTypeDefinition, data: JsonObject, options: { deltaAttribute?: string } = {}
): string[] {
  const problems: string[] = []
  for (const def of type.schema.attributes) {
    if (def.required && data[def.name] === undefined) problems.push(`${def.name} is required`)
  }
  for (const [key, value] of Object.entries(data)) {
    const extension = type.extensions.find((e) => e.schema.id === key)
    if (extension) {
      if (extension.readOnly || !isObject(value) || Object.keys(value).length === 0) problems.push(`${key} is not a writable, non-empty extension block`)
      else {
        for (const [name, item] of Object.entries(value)) {
          const def = findAttribute(extension.schema.attributes, name)
          if (!def || def.name !== name || def.mutability === 'readOnly') problems.push(`${key}:${name} is not a canonical writable attribute`)
          else problems.push(...attributeProblems(def, item, `${key}:${name}`))
        }
      }
      continue
    }
    const def = key === 'externalId' ? findAttribute(commonAttributes, key) : findAttribute(type.schema.attributes, key)
    if (!def || def.name !== key || def.mutability === 'readOnly' || key === options.deltaAttribute) {
      problems.push(`${key} is not a canonical writable attribute`)
      continue
    }
    problems.push(...attributeProblems(def, value, key))
  }
  return problems
}
