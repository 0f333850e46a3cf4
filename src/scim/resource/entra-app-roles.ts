import { isObject, type JsonObject } from './json.js'

/**
 * Entra's `AppRoleAssignmentsComplex` mapping without the `aadOptscim062020` flag adds app roles
 * with each role serialised as a JSON string in `value`:
 * `{"value": "{\"id\":\"…\",\"value\":\"Admin\",\"displayName\":\"Admin\"}"}` (docs/idp-behaviour.md
 * §C "App roles"); some servers also see the bare string. Creates carry plain objects
 * (`{"value":"Admin","displayName":"Admin","type":…,"primary":…}`). Read the string as the role it
 * describes: its `value`, `displayName` as `display`, and `type`; anything else stays as given.
 */
export function unwrapJsonStringRole (item: unknown): unknown {
  const text = typeof item === 'string' ? item : isObject(item) && typeof item.value === 'string' ? item.value : undefined
  if (text === undefined || !text.trimStart().startsWith('{')) return item
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    return item
  }
  if (!isObject(parsed) || typeof parsed.value !== 'string' || parsed.value === '') return item
  const role: JsonObject = isObject(item) ? { ...item } : {}
  role.value = parsed.value
  if (typeof parsed.displayName === 'string' && role.display === undefined) role.display = parsed.displayName
  if (typeof parsed.type === 'string' && role.type === undefined) role.type = parsed.type
  return role
}

/**
 * Two roles with the same `value` are one role (RFC 7643 §4.1.2: `value` is the role): an add
 * that repeats a role the user has, in another shape, does not store it twice.
 */
export function sameRole (a: unknown, b: unknown): boolean {
  return isObject(a) && isObject(b) && typeof a.value === 'string' && typeof b.value === 'string' &&
    a.value.toLowerCase() === b.value.toLowerCase()
}
