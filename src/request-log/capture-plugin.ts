import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { hashToken } from '../tenants/token-crypto.js'
import { describeRequest } from './action.js'
import type { CapturedRequest } from './entry.js'
import { idpFromUserAgent } from './idp.js'
import { MASK } from './mask.js'
import type { RequestLog } from './request-log.js'

declare module 'fastify' {
  interface FastifyRequest {
    /** The serialized answer, kept for the request log between onSend and onResponse. */
    requestLogPayload: string | null
  }
}

/** Bodies larger than this are logged as their size only (a 50,000-member group PUT). */
const MAX_BODY_BYTES = 64 * 1024
const BEARER = /^Bearer\s+(\S+)/i

function omitted (bytes: number): { omitted: true, bytes: number } {
  return { omitted: true, bytes }
}

function firstString (text: string, key: string): string | undefined {
  return new RegExp(`"${key}"\\s*:\\s*"((?:[^"\\\\]|\\\\.)*)"`).exec(text)?.[1]
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
 * onResponse, after the answer has been written, so the IdP never waits for it; the capture
 * masks the bodies and appends to the log's bounded buffer, and any failure is swallowed: the
 * log must never fail a request.
 */
export const requestLogCapture = fp(async (app: FastifyInstance, opts: { log: RequestLog }) => {
  const { log } = opts
  const prefix = app.prefix
  app.decorateRequest('requestLogPayload', null)

  app.addHook('onSend', async (request: FastifyRequest, _reply: FastifyReply, payload: unknown) => {
    if (typeof payload === 'string') request.requestLogPayload = payload
    return payload
  })

  app.addHook('onResponse', async (request: FastifyRequest, reply: FastifyReply) => {
    // Unauthenticated requests belong to no tenant; they are counted in /metrics only.
    if (request.tenantId === '') return
    try {
      log.record(capture(log, prefix, request, reply))
    } catch (err) {
      request.log.warn({ err }, 'SCIM request log: request not captured')
    }
  })
}, { name: 'scim-request-log' })

function capture (log: RequestLog, prefix: string, request: FastifyRequest, reply: FastifyReply): CapturedRequest {
  const { masker } = log
  const [path = '', query] = request.url.split('?', 2)
  const route = request.routeOptions.url?.slice(prefix.length)
  const params = request.params as Record<string, string | undefined> | undefined
  const filter = (request.query as Record<string, unknown> | undefined)?.filter
  const described = describeRequest({
    method: request.method,
    route,
    id: params?.id,
    filter: typeof filter === 'string' ? filter : undefined,
    body: request.body
  })
  const payload = request.requestLogPayload
  const status = reply.statusCode
  const requestBytes = Number(request.headers['content-length'] ?? 0)
  const requestBody = request.body === undefined || request.body === null
    ? undefined
    : requestBytes > MAX_BODY_BYTES ? omitted(requestBytes) : masker.maskValue(request.body)
  const responseBody = payload === null || payload === ''
    ? undefined
    : isRead(request.method, route) && status < 400
      ? readSummary(payload)
      : payload.length > MAX_BODY_BYTES ? omitted(payload.length) : masker.maskJsonText(payload)
  const created = request.method === 'POST' && status === 201 && payload !== null
  const createdId = created ? firstString(payload, 'id') : undefined
  const nameAttribute = described.targetType === 'Group' ? 'displayName' : 'userName'
  const token = BEARER.exec(request.headers.authorization ?? '')?.[1]
  const userAgent = request.headers['user-agent']
  return {
    tenantId: request.tenantId,
    at: new Date(log.now().getTime() - reply.elapsedTime),
    requestId: request.id,
    tokenHash: token === undefined ? undefined : hashToken(token),
    idp: idpFromUserAgent(userAgent),
    userAgent,
    method: request.method,
    path,
    query: query === undefined ? undefined : masker.maskQuery(query),
    action: described.action,
    summary: described.summary,
    targetType: described.targetType,
    targetId: params?.id ?? createdId,
    targetName: masker.isSensitive(nameAttribute) ? MASK : described.targetName,
    status,
    scimType: status >= 400 && payload !== null ? firstString(payload, 'scimType') : undefined,
    durationMs: reply.elapsedTime,
    requestBody,
    responseBody
  }
}
