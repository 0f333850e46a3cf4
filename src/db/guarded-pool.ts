import { setTimeout as sleep } from 'node:timers/promises'
import type pg from 'pg'
import type { Logger } from 'pino'
import type { ConnectionGate } from './connection-gate.js'
import { DatabaseUnavailableError, isDatabaseUnavailable } from './database-unavailable.js'
import { remainingMs } from './request-deadline.js'
import { isBackgroundWork } from './work-priority.js'

export interface PoolGuardOptions {
  /** The embedded engine's turn-taking (connection-gate.ts); absent on PostgreSQL. */
  gate?: ConnectionGate
  /**
   * Client-side bound on one statement outside a request (background work), in ms; 0 = none.
   * Only where a statement can hang on the network (PostgreSQL): a PGlite statement runs to
   * its end in this thread and cannot be interrupted.
   */
  statementTimeoutMs: number
  log?: Logger | undefined
}

/** How background work is held back while the process is overloaded (worker pacing). */
export interface BackgroundPause {
  /** True while background work should wait (the event loop lags, the heap is full). */
  active: () => boolean
  /** Longest wait per acquisition, so heartbeats and the queue's own upkeep still run. */
  maxWaitMs: number
}

export interface PoolGuard {
  pool: pg.Pool
  /** Background acquisitions wait while `pause.active()`; set once the process probe exists. */
  pauseBackgroundWhile: (pause: BackgroundPause | undefined) => void
}

const PAUSE_POLL_MS = 100

/**
 * The application's pool with the database's failure modes made bounded and explicit:
 * - in a request, waiting for a connection and each statement stop at the request's deadline
 *   (request-deadline.ts); a statement cut off destroys its connection, so the server rolls
 *   its transaction back and nothing is half written;
 * - background statements on PostgreSQL stop after `statementTimeoutMs` the same way;
 * - connection faults surface as DatabaseUnavailableError (503 + Retry-After at the edge);
 * - on the embedded engine, turns on the one connection go through the gate, requests first.
 * Every user of the pool (kysely, the job queue) goes through `connect()`.
 */
export function guardPool (pool: pg.Pool, options: PoolGuardOptions): PoolGuard {
  let pause: BackgroundPause | undefined
  let unavailableSince: number | undefined
  // An outage is a change from a database that answered: one never reached is a start-up
  // failure, which the entry point reports in one line of its own (startup-errors.ts).
  let answeredOnce = false

  const fault = (err: unknown): unknown => {
    if (!isDatabaseUnavailable(err)) return err
    if (unavailableSince === undefined && answeredOnce) {
      unavailableSince = Date.now()
      // Logged on change only: an outage would otherwise log once per statement.
      options.log?.warn({ err: { message: (err as Error).message, code: (err as { code?: unknown }).code } }, 'database unavailable: answering 503')
    }
    return err instanceof DatabaseUnavailableError ? err : new DatabaseUnavailableError('the database is unavailable', { cause: err })
  }
  const healthy = (): void => {
    answeredOnce = true
    if (unavailableSince === undefined) return
    options.log?.info({ outageMs: Date.now() - unavailableSince }, 'database available again')
    unavailableSince = undefined
  }

  /** Races `work` against the request's deadline (or `fallbackMs`); `onLate` cleans up a late result. */
  const bounded = async <T>(
    work: Promise<T>, what: string, fallbackMs: number, onLate: (value: T) => void, onTimeout?: () => void
  ): Promise<T> => {
    const left = remainingMs()
    const limit = left ?? (fallbackMs > 0 ? fallbackMs : undefined)
    if (limit === undefined) return await work
    if (limit <= 0) {
      void work.then(onLate, () => {})
      throw new DatabaseUnavailableError(`the request's database deadline passed before ${what}`)
    }
    let timer: NodeJS.Timeout | undefined
    let late = false
    const timeout = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => {
        late = true
        onTimeout?.()
        reject(new DatabaseUnavailableError(`no answer from the database within ${Math.round(limit)} ms (${what})`))
      }, limit)
    })
    try {
      return await Promise.race([work, timeout])
    } finally {
      clearTimeout(timer)
      if (late) void work.then(onLate, () => {})
    }
  }

  const waitWhilePaused = async (): Promise<void> => {
    if (pause === undefined || !pause.active()) return
    const until = performance.now() + pause.maxWaitMs
    // Read again each time: pausing is turned off at shutdown.
    while (pause?.active() === true && performance.now() < until) await sleep(PAUSE_POLL_MS)
  }

  const guardedClient = (client: pg.PoolClient, releaseTurn: () => void): pg.PoolClient => {
    let released = false
    let broken: DatabaseUnavailableError | undefined
    // A checked-out client whose connection breaks between statements emits 'error'; with no
    // listener that crashes the process (node-postgres docs, "pg.Pool": checked-out clients'
    // errors are the caller's). The next statement on it fails fast instead.
    const onError = (err: Error): void => {
      broken ??= new DatabaseUnavailableError('the database connection was lost', { cause: err })
    }
    client.on('error', onError)
    const release = (err?: Error | boolean): void => {
      if (released) return
      released = true
      client.off('error', onError)
      client.release(broken ?? err)
      releaseTurn()
    }
    const drop = (): void => {
      // Destroyed, not returned to the pool: the server rolls back whatever it was in.
      broken = new DatabaseUnavailableError('the connection was dropped after a statement ran past its deadline')
      if (released) return
      released = true
      client.off('error', onError)
      client.release(broken)
      releaseTurn()
    }
    const query = async (...args: unknown[]): Promise<unknown> => {
      if (broken !== undefined) throw broken
      const left = remainingMs()
      if (left !== undefined && left <= 0 && options.gate === undefined) {
        drop()
        throw fault(new DatabaseUnavailableError('the request\'s database deadline passed before a statement'))
      }
      const run = (client.query as (...a: unknown[]) => Promise<unknown>)(...args)
      try {
        // A PGlite statement runs to its end in this thread: nothing to bound once it started.
        const result = options.gate !== undefined
          ? await run
          : await bounded(run, 'a statement', isBackgroundWork() ? options.statementTimeoutMs : 0, () => {}, drop)
        healthy()
        return result
      } catch (err) {
        throw fault(err)
      }
    }
    return new Proxy(client, {
      get (target, property) {
        if (property === 'query') return query
        if (property === 'release') return release
        const value: unknown = Reflect.get(target, property, target)
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value
      }
    })
  }

  const connect = async (): Promise<pg.PoolClient> => {
    const background = isBackgroundWork()
    if (background) await waitWhilePaused()
    let releaseTurn = (): void => {}
    if (options.gate !== undefined) {
      const turn = options.gate.acquire(background ? 'background' : 'foreground')
      releaseTurn = await bounded(turn, 'the database connection was free', 0, (release) => { release() })
    }
    try {
      const client = await bounded(pool.connect(), 'a connection was made', 0, (late) => { late.release() })
      return guardedClient(client, releaseTurn)
    } catch (err) {
      releaseTurn()
      throw fault(err)
    }
  }

  const guarded = new Proxy(pool, {
    get (target, property) {
      if (property === 'connect') return connect
      if (property === 'query') {
        // pool.query(text, values) as pg-pool offers it, through the same guarded path.
        return async (...args: unknown[]) => {
          const client = await connect()
          try {
            return await (client.query as (...a: unknown[]) => Promise<unknown>)(...args)
          } finally {
            client.release()
          }
        }
      }
      const value: unknown = Reflect.get(target, property, target)
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value
    }
  })
  return { pool: guarded, pauseBackgroundWhile: (next) => { pause = next } }
}
