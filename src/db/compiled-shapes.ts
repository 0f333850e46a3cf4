import { CompiledQuery } from 'kysely'

/**
 * Compiled statements kept per query *shape*, so a hot query is built and compiled by kysely
 * once per shape instead of on every request.
 *
 * A shape is everything that decides the SQL text (which attributes a filter compares, with
 * which operators, how values are classed where the compiler branches on them, the sort, the
 * included columns); the values are what changes between requests. The builder is run once
 * with *sentinels* in place of the values; each sentinel is then found again among the compiled
 * parameters, which gives the parameter slot of each value. A later request of the same shape
 * only substitutes its values into those slots.
 *
 * A shape is cached only when that mapping is exact: every sentinel appears as a parameter of
 * its own, none was transformed on the way (a value wrapped in another string, or rendered into
 * the SQL text), and the statement is not otherwise dependent on it. Otherwise the shape is
 * marked as not cacheable and every request builds its statement as before: correctness never
 * depends on the cache, only speed does.
 */
export interface ShapeValues {
  /** The request's values, in the order the sentinels were handed out. */
  values: readonly unknown[]
}

interface Entry {
  sql: string
  /** Per parameter: the index of the value that fills it, or -1 for a constant of the shape. */
  slots: Int32Array
  constants: readonly unknown[]
}

/** A sentinel string no request value can hold: private-use code points around an index. */
const textSentinel = (i: number): string => `\uE000sentinel:${i}\uE001`
const SENTINEL_MARK = '\uE000sentinel:'

/**
 * Sentinels in a uuid's clothing, for values the compiler only accepts as uuids (it checks the
 * syntax and renders `false` otherwise). The version nibble 0 never occurs in a random uuid.
 */
const uuidSentinel = (i: number): string => `e5e5e5e5-0000-0000-8000-${i.toString(16).padStart(12, '0')}`
/** Numbers no caller passes as a limit or offset. */
const numberSentinel = (i: number): number => -770_000_001 - i

export type ValueClass = 'text' | 'uuid' | 'number'

/** Hands out one sentinel per value, in order, while a shape is built. */
export class Sentinels {
  readonly #issued: unknown[] = []

  text (): string { return this.#issue(textSentinel(this.#issued.length)) }
  uuid (): string { return this.#issue(uuidSentinel(this.#issued.length)) }
  number (): number { return this.#issue(numberSentinel(this.#issued.length)) }
  of (kind: ValueClass): string | number {
    return kind === 'number' ? this.number() : kind === 'uuid' ? this.uuid() : this.text()
  }

  get issued (): readonly unknown[] { return this.#issued }

  #issue<T> (value: T): T {
    this.#issued.push(value)
    return value
  }
}

/** Whether a constant of the statement carries a sentinel inside it (a string or an array's item). */
function holdsSentinel (parameter: unknown, issued: readonly unknown[]): boolean {
  if (typeof parameter === 'string') return parameter.includes(SENTINEL_MARK) || issued.some((v) => typeof v === 'string' && parameter.includes(v))
  if (Array.isArray(parameter)) return parameter.some((item) => issued.includes(item) || holdsSentinel(item, issued))
  if (typeof parameter === 'object' && parameter !== null) return holdsSentinel(JSON.stringify(parameter), issued)
  return false
}

export class CompiledShapes {
  readonly #entries = new Map<string, Entry | null>()

  constructor (private readonly maxShapes = 256) {}

  /** Shapes known (cached or found not cacheable). */
  get size (): number { return this.#entries.size }

  /**
   * The statement for `values` in the given shape: from the cache, or built once with sentinels
   * by `build` (which must take every value from the `Sentinels` in the order of `values`).
   * `undefined` when the shape cannot be cached: the caller builds the statement itself.
   */
  statement (
    key: string, values: readonly unknown[], build: (s: Sentinels) => CompiledQuery
  ): CompiledQuery | undefined {
    let entry = this.#entries.get(key)
    if (entry === undefined) {
      entry = this.#learn(build, values.length)
      // Bounded: an IdP inventing filter shapes cannot grow this without limit. Past the bound
      // new shapes are simply built per request.
      if (this.#entries.size < this.maxShapes) this.#entries.set(key, entry)
    }
    if (entry === null) return undefined
    const parameters = new Array<unknown>(entry.slots.length)
    for (let p = 0; p < entry.slots.length; p++) {
      const slot = entry.slots[p] as number
      parameters[p] = slot === -1 ? entry.constants[p] : values[slot]
    }
    return CompiledQuery.raw(entry.sql, parameters)
  }

  #learn (build: (s: Sentinels) => CompiledQuery, valueCount: number): Entry | null {
    const sentinels = new Sentinels()
    const compiled = build(sentinels)
    const issued = sentinels.issued
    if (issued.length !== valueCount) return null
    if (compiled.sql.includes(SENTINEL_MARK) || issued.some((v) => typeof v === 'string' && compiled.sql.includes(v))) return null
    const slots = new Int32Array(compiled.parameters.length)
    const constants: unknown[] = []
    const seen = new Set<number>()
    for (let p = 0; p < compiled.parameters.length; p++) {
      const parameter = compiled.parameters[p]
      const slot = issued.indexOf(parameter)
      if (slot !== -1) {
        slots[p] = slot
        seen.add(slot)
        constants[p] = undefined
        continue
      }
      // A value transformed on its way into a parameter (wrapped, joined, put in an array).
      if (holdsSentinel(parameter, issued)) return null
      slots[p] = -1
      constants[p] = parameter
    }
    if (seen.size !== valueCount) return null
    return { sql: compiled.sql, slots, constants }
  }
}
