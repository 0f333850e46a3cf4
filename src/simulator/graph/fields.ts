import { invalidParam } from './graph-error.js'

// `fields=` selection with nested expansion `business{id,name}` (docs/meta-graph-api.md §1.4). Modifiers
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
  /** Graph node type name (Meta's spec file name), used in error messages. */
  name: string
  /** Every field the node type has: the spec's fields, plus fields its edge documents. */
  known: ReadonlySet<string>
  /** Fields returned when `fields` is absent. */
  defaults: readonly string[]
  /** Getters for the fields the simulator models; a known field without one is left out. */
  fields: Partial<Record<string, FieldGetter<T>>>
}

/**
 * Projects a value onto the selection. A name the node type does not have fails the whole
 * call the way Graph does: `(#100) Tried accessing nonexisting field (x) on node type (T)`.
 */
export function project<T> (type: NodeType<T>, value: T, selection: FieldSelection[] | null): Record<string, unknown> {
  const sel: FieldSelection[] = selection === null ? [] : [...selection]
  if (selection === null) sel.push(...type.defaults.map(name => ({ name, sub: null })))
  if (type.known.has('id') && !sel.some(f => f.name === 'id')) sel.unshift({ name: 'id', sub: null })
  const out: Record<string, unknown> = {}
  for (const { name, sub } of sel) {
    if (!type.known.has(name)) {
      throw invalidParam(`Tried accessing nonexisting field (${name}) on node type (${type.name})`)
    }
    const getter = type.fields[name]
    if (getter === undefined) continue
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
