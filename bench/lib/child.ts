import { fork, type ChildProcess } from 'node:child_process'
import { mkdirSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import type { ChildReady, ChildStats } from '../server.js'
import type { DatabaseLocation } from './dataset.js'

export type ServerKind = 'app' | 'floor' | 'plain' | 'log-off'

export interface ServerChild {
  url: (kind: ServerKind) => string
  sink: string | undefined
  sinkError: string | undefined
  stats: () => Promise<ChildStats>
  resetPeak: () => Promise<void>
  stop: () => Promise<void>
}

export interface ServerChildOptions {
  servers: ServerKind[]
  location: DatabaseLocation
  tenantId: string
  sink: boolean
  logLevel: string
  cpuProfile: boolean
  label: string
}

const script = fileURLToPath(new URL('../server.ts', import.meta.url))
const profileDir = fileURLToPath(new URL('../profiles/', import.meta.url))

function nextMessage<T extends { type: string }> (child: ChildProcess, type: T['type'], timeoutMs: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { cleanup(); reject(new Error(`server child: no ${type} within ${timeoutMs} ms`)) }, timeoutMs)
    const onMessage = (m: { type: string }): void => { if (m.type === type) { cleanup(); resolve(m as T) } }
    const onExit = (code: number | null): void => { cleanup(); reject(new Error(`server child exited with ${String(code)} before ${type}`)) }
    const cleanup = (): void => { clearTimeout(timer); child.off('message', onMessage); child.off('exit', onExit) }
    child.on('message', onMessage)
    child.on('exit', onExit)
  })
}

/** Starts bench/server.ts in a child process (Node + tsx) and waits until it listens. */
export async function startServer (options: ServerChildOptions): Promise<ServerChild> {
  const execArgv = ['--import', 'tsx']
  if (options.cpuProfile) {
    // One folder per server: the tsx loader thread writes its own profile beside the main thread's.
    const dir = `${profileDir}${options.label}-${Date.now()}`
    mkdirSync(dir, { recursive: true })
    execArgv.push('--cpu-prof', `--cpu-prof-dir=${dir}`)
  }
  const child = fork(script, [], {
    execArgv,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    env: {
      ...process.env,
      BENCH_SERVERS: options.servers.join(','),
      BENCH_DATABASE_URL: options.location.databaseUrl ?? '',
      BENCH_DATA_DIR: options.location.dataDir,
      BENCH_TENANT_ID: options.tenantId,
      BENCH_PROVISIONING: options.sink ? 'engine' : 'none',
      BENCH_LOG_LEVEL: options.logLevel
    }
  })
  const ready = await nextMessage<ChildReady>(child, 'ready', 120_000)
  let exited = false
  child.once('exit', () => { exited = true })
  return {
    url: (kind) => {
      const port = ready.ports[kind]
      if (port === undefined) throw new Error(`server child does not serve ${kind}`)
      return `http://127.0.0.1:${port}`
    },
    sink: ready.sink,
    sinkError: ready.sinkError,
    stats: async () => {
      const p = nextMessage<ChildStats>(child, 'stats', 10_000)
      child.send({ type: 'stats' })
      return p
    },
    resetPeak: async () => {
      const p = nextMessage(child, 'reset', 10_000)
      child.send({ type: 'reset-peak' })
      await p
    },
    stop: async () => {
      if (exited) return
      const done = new Promise<void>((resolve) => child.once('exit', () => resolve()))
      child.send({ type: 'stop' })
      const timer = setTimeout(() => child.kill('SIGKILL'), 30_000)
      await done
      clearTimeout(timer)
    }
  }
}
