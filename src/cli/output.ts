/** Where commands write: stdout for results, stderr for progress and errors. */
export interface Output {
  json: boolean
  /** Writes the result: JSON when --json, else the human rendering. */
  result: (data: unknown, human: () => string) => void
  info: (line: string) => void
  stderr: NodeJS.WriteStream
}

export function createOutput (
  json: boolean, stdout: NodeJS.WriteStream = process.stdout, stderr: NodeJS.WriteStream = process.stderr
): Output {
  return {
    json,
    result: (data, human) => {
      stdout.write(json ? `${JSON.stringify(data, null, 2)}\n` : `${human()}\n`)
    },
    info: (line) => { stderr.write(`${line}\n`) },
    stderr
  }
}

export type Cell = string | number | boolean | null | undefined

const show = (v: Cell): string => (v === null || v === undefined || v === '' ? '-' : String(v))

/** A plain, column-aligned table with upper-case headings; "(none)" when empty. */
export function table (headers: string[], rows: Cell[][]): string {
  if (rows.length === 0) return '(none)'
  const cells = rows.map((r) => r.map(show))
  const widths = headers.map((h, i) => Math.max(h.length, ...cells.map((r) => (r[i] ?? '').length)))
  const line = (r: string[]): string => r.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ').trimEnd()
  return [line(headers.map((h) => h.toUpperCase())), ...cells.map(line)].join('\n')
}

/** `key  value` lines for one object. */
export function keyValues (pairs: Array<[string, Cell]>): string {
  const width = Math.max(...pairs.map(([k]) => k.length))
  return pairs.map(([k, v]) => `${k.padEnd(width)}  ${show(v)}`).join('\n')
}
