// Masking of request and response bodies before anything is buffered or stored. Always masked:
// attributes whose names say they are secrets (password — RFC 7643 §4.1.1 makes it write-only,
// never returned; tokens, secrets, keys, credentials). Also masked: the attributes an operator
// names in SCIM_REQUEST_LOG_MASK_ATTRIBUTES (e.g. employeeNumber, phoneNumbers).

export const MASK = '***'

const ALWAYS = /password|passwd|secret|token|credential|authorization|api[-_]?key|private[-_]?key/i

export interface Masker {
  /** A masked copy of a parsed JSON value; the input is not changed. */
  maskValue: (value: unknown) => unknown
  /**
   * A serialized JSON body, masked: returned as is when no key in it could need masking (the
   * common case costs one regular-expression scan, no parse), else parsed and masked.
   */
  maskJsonText: (text: string) => unknown
  /** A query string with the values of masked attributes' filters hidden. */
  maskQuery: (query: string) => string
  /** Whether an attribute (a key or a PATCH path) is masked. */
  isSensitive: (attribute: string) => boolean
}

/**
 * The attribute names of a SCIM key or PATCH path: the URN prefix dropped (RFC 7644 §3.10),
 * value filters dropped, then each dotted segment (`name.givenName` → name, givenName).
 */
function segmentsOf (attribute: string): string[] {
  const withoutFilters = attribute.replace(/\[[^\]]*\]/g, '')
  const bare = withoutFilters.slice(withoutFilters.lastIndexOf(':') + 1)
  return bare.split('.').map((s) => s.toLowerCase())
}

export function createMasker (configured: readonly string[]): Masker {
  const names = new Set(configured.flatMap((a) => segmentsOf(a)).filter((s) => s !== ''))
  const sensitive = (key: string): boolean =>
    ALWAYS.test(key) || (names.size > 0 && segmentsOf(key).some((s) => names.has(s)))

  const maskValue = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(maskValue)
    if (typeof value !== 'object' || value === null) return value
    const source = value as Record<string, unknown>
    const out: Record<string, unknown> = {}
    // A PATCH operation names its attribute in `path`; its `value` is that attribute's value.
    const path = typeof source.path === 'string' ? source.path : undefined
    const pathIsSensitive = path !== undefined && sensitive(path)
    for (const [key, v] of Object.entries(source)) {
      if (sensitive(key) || (pathIsSensitive && key.toLowerCase() === 'value')) out[key] = MASK
      else out[key] = maskValue(v)
    }
    return out
  }

  const escaped = [...names].map((n) => n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
  // Any key or PATCH path naming a sensitive attribute appears in the text as a JSON string.
  const suspicious = new RegExp(`"[^"]*(?:${[ALWAYS.source, ...escaped].join('|')})[^"]*"`, 'i')

  const maskJsonText = (text: string): unknown => {
    if (!suspicious.test(text)) return new RawJson(text)
    try {
      return maskValue(JSON.parse(text))
    } catch {
      return { unparsable: true, bytes: text.length }
    }
  }

  const maskQuery = (query: string): string => {
    let decoded: string
    try {
      decoded = decodeURIComponent(query.replace(/\+/g, ' '))
    } catch {
      return MASK
    }
    if (!suspicious.test(`"${decoded}"`)) return query
    // Compared values of a sensitive attribute in a filter: `employeeNumber eq "123"`.
    return decoded.replace(/([A-Za-z][\w.:$-]*(?:\[[^\]]*\][\w.]*)?)(\s+\w+\s+)("(?:[^"\\]|\\.)*"|\S+)/g,
      (whole, attr: string, op: string) => (sensitive(attr) ? `${attr}${op}"${MASK}"` : whole))
  }

  return { maskValue, maskJsonText, maskQuery, isSensitive: sensitive }
}

/** JSON text known to need no masking, stored without a parse and re-serialisation. */
export class RawJson {
  constructor (readonly text: string) {}
}
