import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { Writable } from 'node:stream'
import { COMMAND_GROUPS } from '../../../src/cli/registry.js'
import { runCli as runCommandLine } from '../../../src/cli/run.js'
import { repoRoot } from '../../helpers/child-process.js'

export interface CliResult { code: number | null, stdout: string, stderr: string }

/** A stream that keeps what is written, like a pipe (not a terminal: no progress redrawing). */
function capture (): { stream: NodeJS.WriteStream, text: () => string } {
  let text = ''
  const stream = new Writable({
    write (chunk: Buffer | string, _encoding, callback) {
      text += chunk.toString()
      callback()
    }
  })
  return { stream: stream as unknown as NodeJS.WriteStream, text: () => text }
}

/**
 * Runs one command line in this process: the registry and `runCli` of src/cli/run.ts, given
 * what src/cli/main.ts gives them (stdout, stderr, and only its two variables of `env`).
 * Starting a process per command costs a second of CPU; `runCliProcess` is the real entry,
 * for what only a process shows (its exit code, its streams, the environment it reads).
 */
export async function runCli (args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  const stdout = capture()
  const stderr = capture()
  const code = await runCommandLine(args, COMMAND_GROUPS, {
    stdout: stdout.stream,
    stderr: stderr.stream,
    env: { SCIM_META_BRIDGE_URL: env.SCIM_META_BRIDGE_URL, SCIM_META_BRIDGE_ADMIN_TOKEN: env.SCIM_META_BRIDGE_ADMIN_TOKEN }
  })
  return { code, stdout: stdout.text(), stderr: stderr.text() }
}

/** Runs the real CLI entry (`node --import tsx src/cli/main.ts …`) with only the given environment. */
export async function runCliProcess (args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(repoRoot, 'src/cli/main.ts'), ...args], {
    cwd: repoRoot,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (c: Buffer) => { stdout += c.toString('utf8') })
  child.stderr.on('data', (c: Buffer) => { stderr += c.toString('utf8') })
  const code = await new Promise<number | null>((resolve) => child.once('close', resolve))
  return { code, stdout, stderr }
}
