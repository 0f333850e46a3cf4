import { invalidParam } from './graph-error.js'

// `fields=` selection with nested expansion `business{id,name}` (reference §1.4). Modifiers
// such as `.limit(5)` are accepted and ignored.

export interface FieldSelection {
  name: string
  sub: FieldSelection[] | null
}

export function parseFields (text: string): FieldSelection[] {
  let pos = 0
  const parseList = (closing: string | null): FieldSelection[] => {
    const out: FieldSelection[] = []
    while (pos < text.length) {
      const ch = text.charAt(pos)
      if (closing !== null && ch === closing) {
        pos++
        return out
      }
      if (ch === ',' || ch === ' ') {
        pos++
        continue
      }
      const match = /^[A-Za-z0-9_]+/.exec(text.slice(pos))
      if (match === null) throw invalidParam(`Syntax error in fields at character ${pos}: ${text}`)
      const name = match[0]
      pos += name.length
      const modifier = /^\.[a-z_]+\([^)]*\)/.exec(text.slice(pos))
      if (modifier !== null) pos += modifier[0].length
      let sub: FieldSelection[] | null = null
      if (text.charAt(pos) === '{') {
        pos++
        sub = parseList('}')
      }
      out.push({ name, sub })
    }
    if (closing !== null) throw invalidParam(`Syntax error in fields: missing ${closing}`)
    return out
  }
  return parseList(null)
}

export type FieldGetter<T> = (value: T, sub: FieldSelection[] | null) => unknown

export interface NodeType<T> {
  /** Graph node type name used in error messages. */
  name: string
  /** Fields returned when `fields` is absent. */
  defaults: readonly string[]
  fields: Record<string, FieldGetter<T>>
}

/** Projects a value onto the selection; unknown names fail like Graph does (§1.4, message [U]). */
export function project<T> (type: NodeType<T>, value: T, selection: FieldSelection[] | null): Record<string, unknown> {
  const sel: FieldSelection[] = selection === null ? [] : [...selection]
  if (selection === null) sel.push(...type.defaults.map(name => ({ name, sub: null })))
  if (type.fields.id !== undefined && !sel.some(f => f.name === 'id')) sel.unshift({ name: 'id', sub: null })
  const out: Record<string, unknown> = {}
  for (const { name, sub } of sel) {
    const getter = type.fields[name]
    if (getter === undefined) {
      throw invalidParam(`Tried accessing nonexisting field (${name}) on node type (${type.name})`)
    }
    const v = getter(value, sub)
    if (v !== undefined && v !== null) out[name] = v
  }
  return out
}

export function selectionFrom (params: Record<string, unknown>): FieldSelection[] | null {
  const raw = params.fields
  if (typeof raw !== 'string' || raw.trim() === '') return null
  return parseFields(raw)
}
