import type { OptionValues } from '../command.js'
import { usageError } from '../exit-codes.js'

/** `?a=1&b=x` from the given options (string values only), renamed for the API. */
export function queryOf (options: OptionValues, names: Record<string, string>): string {
  const params = new URLSearchParams()
  for (const [option, param] of Object.entries(names)) {
    const value = options[option]
    if (typeof value === 'string') params.set(param, value)
  }
  const text = params.toString()
  return text === '' ? '' : `?${text}`
}

/** `true`/`false` (also yes/no, on/off) for a string option. */
export function booleanOption (value: string | boolean | undefined, name: string): boolean | undefined {
  if (value === undefined || typeof value === 'boolean') return value
  if (/^(true|yes|on|1)$/i.test(value)) return true
  if (/^(false|no|off|0)$/i.test(value)) return false
  throw usageError(`--${name} must be true or false`)
}
