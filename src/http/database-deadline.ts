import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { runWithDeadline } from '../db/request-deadline.js'

/**
 * Every request gets a database deadline (DATABASE_REQUEST_DEADLINE_MS) from its arrival: no
 * request waits longer than that for a connection or a statement (src/db/guarded-pool.ts),
 * so a frozen or unreachable PostgreSQL answers 503 + Retry-After instead of holding the IdP
 * (Entra gives up after 60 s and quarantines a job that keeps failing) and the pool.
 * Registered first, so the hooks of every route (authentication included) run inside it.
 */
export const databaseDeadlinePlugin = fp(async (app: FastifyInstance, opts: { deadlineMs: number }) => {
  if (opts.deadlineMs <= 0) return
  app.addHook('onRequest', (_request, _reply, done) => {
    runWithDeadline(opts.deadlineMs, done)
  })
}, { name: 'database-deadline' })
