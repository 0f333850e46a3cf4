import { ScimError } from '../errors.js'

const COMPARE_OPS = new Set(['eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le'])
const JSON_NUMBER = /^-?\d+(\.\d+)?([eE][-+]?\d+)?$/

type Token = { kind: 'quoted' | 'word' | 'open' | 'close' | 'lbracket' | 'rbracket', text: string }

function tokenize (filter: string): Token[] {
  const tokens: Token[] = []
  const pattern = /\s+|"(?:[^"\\]|\\.)*"|[()[\]]|[^\s()[\]"]+/gy
  let match: RegExpExecArray | null
  let at = 0
  while (at < filter.length && (match = pattern.exec(filter)) !== null) {
    const text = match[0]
    at = pattern.lastIndex
    if (/^\s/.test(text)) continue
    if (text.startsWith('"')) tokens.push({ kind: 'quoted', text })
    else if (text === '(') tokens.push({ kind: 'open', text })
    else if (text === ')') tokens.push({ kind: 'close', text })
    else if (text === '[') tokens.push({ kind: 'lbracket', text })
    else if (text === ']') tokens.push({ kind: 'rbracket', text })
    else tokens.push({ kind: 'word', text })
  }
  if (at < filter.length) throw ScimError.of('invalidFilter', `cannot read the filter from "${filter.slice(at, at + 20)}"`)
  return tokens
}

/**
 * A string in the form scim2-parse-filter reads back exactly: it doubles every backslash not
 * followed by a quote before JSON-parsing, so backslashes go in raw and only quotes are escaped.
 */
function libraryQuote (value: string): string {
  if (value.endsWith('\\') || [...value].some((c) => c.charCodeAt(0) < 0x20)) {
    throw ScimError.of('invalidFilter', 'filter values cannot end with a backslash or hold control characters')
  }
  return `"${value.replace(/"/g, '\\"')}"`
}

function quoted (text: string): string {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    throw ScimError.of('invalidFilter', `${text} is not a valid quoted string`)
  }
  return libraryQuote(String(value))
}

/** An unquoted comparison value as the RFC grammar would have it (RFC 7644 §3.4.2.2 compValue). */
function literal (word: string): string {
  const lower = word.toLowerCase()
  if (lower === 'true' || lower === 'false' || lower === 'null') return lower
  if (JSON_NUMBER.test(word)) return word
  return libraryQuote(word)
}

/**
 * Rewrites a filter into the strict RFC 7644 §3.4.2.2 grammar scim2-parse-filter accepts:
 * - quotes unquoted values (`userName sw O`, `meta.Created gt 2015-10-10T14:38:21-07:00`, sent
 *   by Microsoft's SCIM test collection, conformance/README.md);
 * - moves the sub-attribute of a value path into the brackets, `emails[type eq "work"].value eq "x"`
 *   → `emails[(type eq "work") and value eq "x"]`, so one element must satisfy both (the library
 *   would otherwise split it into two independent conditions, docs/architecture.md "SCIM dialects").
 */
export function toStrictFilter (filter: string): string {
  const tokens = tokenize(filter)
  const out: string[] = []
  const brackets: number[] = []
  let expect: 'operand' | 'operator' | 'value' | 'logical' = 'operand'
  let pendingClose = 0
  const endComparison = (): void => {
    expect = 'logical'
    if (pendingClose > 0) {
      out.push(']')
      pendingClose--
    }
  }
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i] as Token
    const lower = token.text.toLowerCase()
    if (expect === 'operand') {
      if (token.kind === 'word' && lower !== 'not') expect = 'operator'
      out.push(token.kind === 'word' && lower === 'not' ? 'not' : token.text)
    } else if (expect === 'operator') {
      if (token.kind === 'lbracket') {
        out.push('[')
        brackets.push(out.length - 1)
        expect = 'operand'
      } else if (token.kind === 'word' && COMPARE_OPS.has(lower)) {
        out.push(lower)
        expect = 'value'
      } else if (token.kind === 'word' && lower === 'pr') {
        out.push('pr')
        endComparison()
      } else {
        out.push(token.text)
      }
    } else if (expect === 'value') {
      out.push(token.kind === 'word' ? literal(token.text) : token.kind === 'quoted' ? quoted(token.text) : token.text)
      endComparison()
    } else if (token.kind === 'rbracket') {
      const open = brackets.pop()
      const next = tokens[i + 1]
      if (open !== undefined && next?.kind === 'word' && next.text.startsWith('.') && next.text.length > 1) {
        out.splice(open + 1, 0, '(')
        out.push(')', 'and', next.text.slice(1))
        pendingClose++
        i++
        expect = 'operator'
      } else {
        out.push(']')
      }
    } else if (token.kind === 'word' && (lower === 'and' || lower === 'or')) {
      out.push(lower)
      expect = 'operand'
    } else {
      out.push(token.text)
    }
  }
  return out.join(' ')
}
