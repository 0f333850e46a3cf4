import type { ParseArgsConfig } from 'node:util'
import type { ApiClient } from './api-client.js'
import type { Output } from './output.js'

export type OptionsConfig = NonNullable<ParseArgsConfig['options']>
export type OptionValues = Record<string, string | boolean | undefined>

export interface CommandContext {
  /** Created on first use, so `--help` needs no URL or token. */
  api: () => ApiClient
  out: Output
  /** Positionals after the group and command names. */
  args: string[]
  options: OptionValues
}

export interface Command {
  name: string
  /** Arguments as shown in help, e.g. `<tenant> <new-name>`. */
  usage: string
  summary: string
  options?: OptionsConfig
  run: (ctx: CommandContext) => Promise<void>
}

/** One group per file under commands/ (tenants, tokens, sync, drift; later access rules, audit…). */
export interface CommandGroup {
  name: string
  summary: string
  commands: Command[]
  /** Command run when the group is given without one (e.g. `drift <tenant>`). */
  defaultCommand?: string
}
