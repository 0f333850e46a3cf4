import { accessSync, constants, existsSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { ConfigError } from './config.js'
import { DataDirLockedError } from './db/data-dir-lock.js'
import { AccessRulesError } from './tenants/access-rules.js'

/** A start-up failure whose message already says what to do: printed as one line. */
export class StartupError extends Error {
  override name = 'StartupError'
}

/** Where the process was told to listen, for the message when it cannot. */
export interface ListenTarget {
  host: string
  port: number
}

/** Host and port of a connection string, never its password. */
export function databaseLocation (databaseUrl: string): string {
  try {
    const url = new URL(databaseUrl)
    return `${url.hostname}${url.port === '' ? '' : `:${url.port}`}${url.pathname}`
  } catch {
    return 'the server in DATABASE_URL'
  }
}

function code (err: unknown): string | undefined {
  const value = (err as { code?: unknown } | null)?.code
  return typeof value === 'string' ? value : undefined
}

/** Turns a failed `listen` into a StartupError naming the address and the settings behind it. */
export function listenFailure (err: unknown, target: ListenTarget): Error {
  const where = `${target.host}:${target.port}`
  if (code(err) === 'EADDRINUSE') return new StartupError(`cannot listen on ${where}: the port is in use (set PORT)`)
  if (code(err) === 'EACCES') return new StartupError(`cannot listen on ${where}: permission denied (set PORT above 1023)`)
  if (code(err) === 'EADDRNOTAVAIL') return new StartupError(`cannot listen on ${where}: no such address here (set HOST)`)
  return err instanceof Error ? err : new Error(String(err))
}

/**
 * The embedded database writes into DATA_DIR (or creates it): a directory this user cannot
 * write, typically a bind mount owned by root while the image runs as `node`, is named up front
 * with the fix, instead of failing deep inside the database with a stack trace.
 */
export function checkDataDirWritable (dataDir: string): void {
  let dir = resolve(dataDir)
  while (!existsSync(dir) && dirname(dir) !== dir) dir = dirname(dir)
  try {
    accessSync(dir, constants.W_OK)
  } catch {
    const uid = typeof process.getuid === 'function' ? process.getuid() : undefined
    throw new StartupError(`data directory ${dir} is not writable by this user${uid === undefined ? '' : ` (uid ${uid})`}: ` +
      `give it to that user (e.g. chown -R ${uid ?? 1000} on the host directory) or set DATA_DIR`)
  }
}

/** Turns a failed first query into a StartupError naming the server (not the password). */
export function databaseFailure (err: unknown, databaseUrl: string | undefined): Error {
  if (databaseUrl === undefined) return err instanceof Error ? err : new Error(String(err))
  // The pool wraps driver faults (DatabaseUnavailableError); the driver's own words say why.
  if (err instanceof Error && err.cause !== undefined) err = err.cause
  const reason = err instanceof Error && err.message !== '' ? err.message : (code(err) ?? String(err))
  return new StartupError(`cannot reach the database at ${databaseLocation(databaseUrl)}: ${reason} (check DATABASE_URL)`)
}

/**
 * The line printed for a failed start. Expected failures (configuration, access rules, a port in
 * use, an unreachable database, a locked data directory) are one line; anything else keeps its
 * stack, because then it is a bug to report.
 */
export function startupFailureLine (err: unknown): string {
  const expected = err instanceof StartupError || err instanceof ConfigError ||
    err instanceof AccessRulesError || err instanceof DataDirLockedError
  if (expected) return `scim-meta-bridge failed to start: ${err.message}`
  return `scim-meta-bridge failed to start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`
}
