import type { FastifyInstance } from 'fastify'
import type { Kysely } from 'kysely'
import type { DB } from '../db/schema.js'
import { pendingMigrations } from '../db/migrate.js'
import { pingDatabase } from '../db/ping.js'
import { notShed } from './overload.js'

export interface HealthOptions {
  db: Kysely<DB>
  /** How long a readiness check may wait for the database before it answers 503. */
  readinessTimeoutMs?: number
}

async function withTimeout<T> (work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms)
  })
  try {
    return await Promise.race([work, timeout])
  } finally {
    clearTimeout(timer)
  }
}

/**
 * `/healthz`: the process is alive (never touches the database, so a slow database does not
 * get the process restarted). `/readyz`: the database answers and every migration is applied.
 */
export async function healthRoutes (app: FastifyInstance, opts: HealthOptions): Promise<void> {
  const timeoutMs = opts.readinessTimeoutMs ?? 2_000

  app.get('/healthz', { logLevel: 'warn', config: notShed }, async () => ({ status: 'ok' }))

  // The probe is unauthenticated: the reason says what failed, the log says why (a driver's
  // message can carry a host, a port or a user name).
  app.get('/readyz', { logLevel: 'warn', config: notShed }, async (_request, reply) => {
    try {
      await withTimeout(pingDatabase(opts.db), timeoutMs)
    } catch (err) {
      app.log.warn({ err }, 'readiness: the database does not answer')
      return reply.code(503).send({ status: 'unavailable', reason: 'database unavailable' })
    }
    try {
      const pending = await withTimeout(pendingMigrations(opts.db), timeoutMs)
      if (pending.length > 0) {
        return reply.code(503).send({ status: 'unavailable', reason: `migrations pending: ${pending.join(', ')}` })
      }
    } catch (err) {
      app.log.warn({ err }, 'readiness: the migration state cannot be read')
      return reply.code(503).send({ status: 'unavailable', reason: 'migration state unavailable' })
    }
    return { status: 'ready' }
  })
}
