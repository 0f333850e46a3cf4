import { invalidParam } from './graph-error.js'

// Parameter readers with Graph-style (#100) errors (docs/meta-graph-api.md §1.3, §12). Messages are [U].

export type RawParams = Record<string, unknown>

export function str (params: RawParams, name: string): string | undefined {
  const v = params[name]
  if (v === undefined || v === null || v === '') return undefined
  if (typeof v === 'string') return v
  if (typeof v === 'number' || typeof v === 'boolean') return String(v)
  throw invalidParam(`Param ${name} must be a string`)
}

export function required (params: RawParams, name: string): string {
  const v = str(params, name)
  if (v === undefined) throw invalidParam(`The parameter ${name} is required`)
  return v
}

export function oneOf<T extends string> (name: string, value: string, allowed: readonly T[]): T {
  if ((allowed as readonly string[]).includes(value)) return value as T
  throw invalidParam(`Param ${name} must be one of {${allowed.join(', ')}} - got "${value}"`)
}

/** Lists arrive as JSON arrays (JSON body), JSON strings (form/query) or, leniently, `A,B`. */
export function list (params: RawParams, name: string, acceptComma: boolean): string[] | undefined {
  const v = params[name]
  if (v === undefined || v === null || v === '') return undefined
  if (Array.isArray(v)) return v.map(String)
  if (typeof v !== 'string') throw invalidParam(`Param ${name} must be an array`)
  const text = v.trim()
  if (text.startsWith('[')) {
    try {
      const parsed: unknown = JSON.parse(text)
      if (Array.isArray(parsed)) return parsed.map(String)
    } catch {}
    throw invalidParam(`Param ${name} must be a JSON array`)
  }
  if (acceptComma) return text.split(',').map(s => s.trim()).filter(s => s !== '')
  throw invalidParam(`Param ${name} must be an array`)
}

export function enumList<T extends string> (
  params: RawParams, name: string, allowed: readonly T[], acceptComma: boolean
): T[] | undefined {
  return list(params, name, acceptComma)?.map(v => oneOf(name, v, allowed))
}

export function int (params: RawParams, name: string): number | undefined {
  const v = str(params, name)
  if (v === undefined) return undefined
  const n = Number(v)
  if (!Number.isInteger(n) || n < 0) throw invalidParam(`Param ${name} must be a non-negative integer`)
  return n
}
