import { execFile } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import pg from 'pg'
import { freePort } from './child-process.js'

const run = promisify(execFile)

/** Where Debian and Ubuntu put PostgreSQL's server binaries; PG_BIN_DIR overrides. */
const BIN_DIRS = [process.env.PG_BIN_DIR, '/usr/lib/postgresql/15/bin', '/usr/lib/postgresql/16/bin', '/usr/lib/postgresql/17/bin']

export function postgresBinDir (): string | undefined {
  return BIN_DIRS.find((dir): dir is string => dir !== undefined && dir !== '' &&
    ['initdb', 'pg_ctl', 'postgres'].every((b) => existsSync(join(dir, b))))
}

/**
 * A PostgreSQL server of the test's own (initdb into a temporary directory, a free loopback
 * port, its own socket directory), so a test may stop, freeze and restart it without touching
 * any other server. As root the server runs as the `postgres` user (PostgreSQL refuses root).
 */
export interface PrivatePostgres {
  url: string
  port: number
  start: () => Promise<void>
  /** `pg_ctl stop -m immediate`: every backend killed, no checkpoint (recovery on start). */
  stopImmediate: () => Promise<void>
  /** SIGSTOP to the postmaster and all its children: connections accept, nothing answers. */
  freeze: () => Promise<void>
  thaw: () => Promise<void>
  destroy: () => Promise<void>
}

export async function startPrivatePostgres (binDir: string): Promise<PrivatePostgres> {
  const dir = mkdtempSync(join(tmpdir(), 'scim-meta-bridge-pg-'))
  const asRoot = process.getuid?.() === 0
  if (asRoot) await run('chown', ['postgres', dir])
  const as = async (binary: string, args: string[]): Promise<void> => {
    const file = join(binDir, binary)
    if (asRoot) await run('runuser', ['-u', 'postgres', '--', file, ...args], { cwd: '/' })
    else await run(file, args)
  }
  const data = join(dir, 'data')
  const port = await freePort()
  await as('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync', '--no-instructions'])
  // fsync off: the faults here kill processes, not the machine; the page cache survives them.
  const options = `-p ${port} -c listen_addresses=127.0.0.1 -c unix_socket_directories=${dir} -c fsync=off -c max_connections=40`
  const start = async (): Promise<void> => { await as('pg_ctl', ['start', '-D', data, '-w', '-t', '30', '-l', join(dir, 'log'), '-o', options]) }
  const stopImmediate = async (): Promise<void> => { await as('pg_ctl', ['stop', '-D', data, '-m', 'immediate', '-w']) }
  const pids = async (): Promise<number[]> => {
    const postmaster = Number(readFileSync(join(data, 'postmaster.pid'), 'utf8').split('\n')[0])
    const children = (await run('ps', ['-o', 'pid=', '--ppid', String(postmaster)]).catch(() => ({ stdout: '' }))).stdout
    return [postmaster, ...children.split('\n').map((s) => Number(s.trim())).filter((n) => n > 0)]
  }
  const signal = async (sig: NodeJS.Signals): Promise<void> => {
    for (const pid of await pids()) {
      try { process.kill(pid, sig) } catch { /* exited meanwhile */ }
    }
  }
  await start()
  const admin = new pg.Client({ host: '127.0.0.1', port, user: 'postgres', database: 'postgres' })
  await admin.connect()
  await admin.query('create database bridge')
  await admin.end()
  return {
    url: `postgres://postgres@127.0.0.1:${port}/bridge`,
    port,
    start,
    stopImmediate,
    freeze: async () => { await signal('SIGSTOP') },
    thaw: async () => { await signal('SIGCONT') },
    destroy: async () => {
      await signal('SIGCONT').catch(() => {})
      await stopImmediate().catch(() => {})
      rmSync(dir, { recursive: true, force: true })
    }
  }
}
