import { parseArgs } from 'node:util'
import { ApiClient } from './api-client.js'
import type { CommandGroup, OptionsConfig, OptionValues } from './command.js'
import { CliError, EXIT, usageError, type ExitCode } from './exit-codes.js'
import { usageText } from './help.js'
import { createOutput } from './output.js'

const GLOBAL_OPTIONS: OptionsConfig = {
  url: { type: 'string' },
  token: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' }
}

export interface CliIo {
  stdout: NodeJS.WriteStream
  stderr: NodeJS.WriteStream
  env: Record<string, string | undefined>
}

function allOptions (groups: readonly CommandGroup[]): OptionsConfig {
  const options: OptionsConfig = { ...GLOBAL_OPTIONS }
  for (const g of groups) for (const c of g.commands) Object.assign(options, c.options ?? {})
  return options
}

/**
 * The options of the group named first on the line (all groups' when none is), so two groups
 * may give one option name different types: `meta set --dry-run true|false` takes a value,
 * `reconcile --dry-run` is a flag.
 */
function optionsFor (argv: string[], groups: readonly CommandGroup[]): OptionsConfig {
  const { positionals } = parseArgs({ args: argv, options: GLOBAL_OPTIONS, allowPositionals: true, strict: false })
  const group = groups.find((g) => g.name === positionals[0])
  return group === undefined ? allOptions(groups) : allOptions([group])
}

function parse (argv: string[], groups: readonly CommandGroup[]) {
  try {
    return parseArgs({ args: argv, options: optionsFor(argv, groups), allowPositionals: true, strict: true })
  } catch (err) {
    throw usageError(err instanceof Error ? err.message : String(err))
  }
}

/** Runs one command line; returns the exit code (docs/cli.md). */
export async function runCli (argv: string[], groups: readonly CommandGroup[], io: CliIo): Promise<ExitCode> {
  let json = argv.includes('--json')
  const out = () => createOutput(json, io.stdout, io.stderr)
  try {
    const { values, positionals } = parse(argv, groups)
    json = values.json === true
    const [groupName, commandName, ...rest] = positionals
    if (values.help === true || groupName === 'help' || groupName === undefined) {
      if (groupName === undefined && values.help !== true) throw usageError(`missing command\n\n${usageText(groups)}`)
      io.stdout.write(`${usageText(groups)}\n`)
      return EXIT.ok
    }
    const group = groups.find((g) => g.name === groupName)
    if (group === undefined) throw usageError(`unknown command group "${groupName}" (see --help)`)
    let command = group.commands.find((c) => c.name === commandName)
    let args = rest
    if (command === undefined && group.defaultCommand !== undefined) {
      command = group.commands.find((c) => c.name === group.defaultCommand)
      args = commandName === undefined ? [] : [commandName, ...rest]
    }
    if (command === undefined) throw usageError(`unknown command "${group.name} ${commandName ?? ''}" (see --help)`)
    const allowed = new Set([...Object.keys(GLOBAL_OPTIONS), ...Object.keys(command.options ?? {})])
    const stray = Object.keys(values).find((k) => !allowed.has(k))
    if (stray !== undefined) throw usageError(`option --${stray} does not apply to "${group.name} ${command.name}"`)

    const url = stringValue(values.url) ?? io.env.SCIM_META_BRIDGE_URL
    const token = stringValue(values.token) ?? io.env.SCIM_META_BRIDGE_ADMIN_TOKEN
    let client: ApiClient | undefined
    const api = (): ApiClient => {
      if (url === undefined || url === '') throw usageError('no service URL: pass --url or set SCIM_META_BRIDGE_URL')
      if (token === undefined || token === '') throw usageError('no admin token: pass --token or set SCIM_META_BRIDGE_ADMIN_TOKEN')
      if (!/^https?:\/\//.test(url)) throw usageError(`--url must start with http:// or https:// (got "${url}")`)
      client ??= new ApiClient({ url, token })
      return client
    }
    await command.run({ api, out: out(), args, options: values as OptionValues })
    return EXIT.ok
  } catch (err) {
    const error = err instanceof CliError
      ? err
      : new CliError(EXIT.failed, err instanceof Error ? err.message : String(err))
    io.stderr.write(json
      ? `${JSON.stringify({ error: error.message, exit_code: error.exitCode, details: error.details })}\n`
      : `scim-meta-bridge: ${error.message}\n`)
    return error.exitCode
  }
}

const stringValue = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined)
