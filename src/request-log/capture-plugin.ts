import type { FastifyInstance, FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify'
import fp from 'fastify-plugin'
import type { CapturedRequest } from './entry.js'
import type { RequestLog } from './request-log.js'

declare module 'fastify' {
  interface FastifyRequest {
    /** The serialized answer, kept for the request log between onSend and onResponse. */
    requestLogPayload: string | null
  }
}

/**
 * A successful read answers with the directory's current state, often large (a page of
 * users); storing it would cost more than the request. Kept: how many resources matched.
 */
function isRead (method: string, route: string | undefined): boolean {
  return method === 'GET' || route?.endsWith('/.search') === true
}

function readSummary (payload: string): { totalResults: number } | undefined {
  const total = /"totalResults"\s*:\s*(\d+)/.exec(payload)?.[1]
  return total === undefined ? undefined : { totalResults: Number(total) }
}

/**
 * Captures every authenticated SCIM request of the scope for the request log. Runs in
 * onResponse, after the answer has been written, so the IdP never waits for it, and only
 * copies the request's facts into the log's bounded buffer: describing and masking them is the
 * batch writer's work (logged-request.ts), off the request path. Both hooks are callback-style
 * (no promise per request) and any failure is swallowed: the log must never fail a request.
 */
export const requestLogCapture = fp(async (app: FastifyInstance, opts: { log: RequestLog }) => {
  const { log } = opts
  const prefix = app.prefix
  app.decorateRequest('requestLogPayload', null)

  app.addHook('onSend', (request: FastifyRequest, _reply: FastifyReply, payload: unknown, done) => {
    if (typeof payload === 'string') request.requestLogPayload = payload
    done(null, payload)
  })

  app.addHook('onResponse', (request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction) => {
    // Unauthenticated requests belong to no tenant; they are counted in /metrics only.
    if (request.tenantId !== '') {
      try {
        log.record(capture(log, prefix, request, reply))
      } catch (err) {
        request.log.warn({ err }, 'SCIM request log: request not captured')
      }
    }
    done()
  })
}, { name: 'scim-request-log' })

function capture (log: RequestLog, prefix: string, request: FastifyRequest, reply: FastifyReply): CapturedRequest {
  const route = request.routeOptions.url?.slice(prefix.length)
  const params = request.params as Record<string, string | undefined> | undefined
  const filter = (request.query as Record<string, unknown> | undefined)?.filter
  const payload = request.requestLogPayload ?? undefined
  const status = reply.statusCode
  const read = isRead(request.method, route) && status < 400
  const durationMs = reply.elapsedTime
  return {
    tenantId: request.tenantId,
    atMs: log.nowMs() - durationMs,
    requestId: request.id,
    tokenId: request.scimTokenId === '' ? undefined : request.scimTokenId,
    userAgent: request.headers['user-agent'],
    method: request.method,
    url: request.url,
    route,
    id: params?.id,
    filter: typeof filter === 'string' ? filter : undefined,
    requestBody: request.body,
    requestBytes: Number(request.headers['content-length'] ?? 0),
    // A read's answer is not kept, only its count, so the buffer never holds pages of users.
    responseText: read ? undefined : payload,
    responseSummary: read && payload !== undefined ? readSummary(payload) : undefined,
    status,
    durationMs
  }
}
