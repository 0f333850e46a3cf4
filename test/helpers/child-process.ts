import { spawn, type ChildProcess } from 'node:child_process'
import { createServer } from 'node:net'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '../..')

export async function freePort (): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0))
    })
  })
}

export interface RunningProcess {
  child: ChildProcess
  output: () => string
  exited: Promise<number | null>
  /** Resolves when the output matches, rejects when the process exits first or time runs out. */
  waitFor: (pattern: RegExp, timeoutMs?: number) => Promise<RegExpMatchArray>
}

/** Runs a TypeScript entry point of this repo in a child process (through tsx). */
export function runEntry (entry: string, env: Record<string, string>, args: string[] = []): RunningProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', join(repoRoot, entry), ...args], {
    cwd: repoRoot,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let text = ''
  const listeners = new Set<() => void>()
  const onData = (chunk: Buffer) => {
    text += chunk.toString('utf8')
    for (const l of listeners) l()
  }
  child.stdout?.on('data', onData)
  child.stderr?.on('data', onData)
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => {
    for (const l of listeners) l()
    resolve(code)
  }))
  const waitFor = (pattern: RegExp, timeoutMs = 60_000) => new Promise<RegExpMatchArray>((resolve, reject) => {
    const check = () => {
      const match = text.match(pattern)
      if (match) {
        cleanup()
        resolve(match)
      } else if (child.exitCode !== null || child.signalCode !== null) {
        cleanup()
        reject(new Error(`process exited before ${pattern}; output:\n${text}`))
      }
    }
    const timer = setTimeout(() => { cleanup(); reject(new Error(`timed out waiting for ${pattern}; output:\n${text}`)) }, timeoutMs)
    const cleanup = () => { clearTimeout(timer); listeners.delete(check) }
    listeners.add(check)
    check()
  })
  return { child, output: () => text, exited, waitFor }
}
