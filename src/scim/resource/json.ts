/** A JSON object as parsed from a request body or stored in jsonb. */
export type JsonObject = Record<string, unknown>

export function isObject (value: unknown): value is JsonObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
}

/** Deep copy of a JSON value (resources are plain JSON, so structuredClone is exact). */
export function cloneJson<T> (value: T): T {
  return structuredClone(value)
}

/** Structural equality of two JSON values, ignoring key order. */
export function jsonEqual (a: unknown, b: unknown): boolean {
  if (a === b) return true
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((item, i) => jsonEqual(item, b[i]))
  if (isObject(a) && isObject(b)) {
    const keys = Object.keys(a)
    return keys.length === Object.keys(b).length && keys.every((key) => jsonEqual(a[key], b[key]))
  }
  return false
}
