import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify'
import { registerControlRoutes } from './control/routes.js'
import type { RawParams } from './graph/params.js'
import { splitPath, type GraphMethod, type GraphRequest } from './graph/request.js'
import { Simulator, type SimulatorOptions } from './simulator.js'

export interface BuildSimulatorOptions extends SimulatorOptions {
  /** Fastify logger (off by default: tests and demos print their own lines). */
  logger?: boolean
}

export interface BuiltSimulator {
  app: FastifyInstance
  sim: Simulator
}

/** §1.2: `Authorization: Bearer` (or `OAuth`) header, else the `access_token` parameter. */
function tokenOf (req: FastifyRequest, params: RawParams): Pick<GraphRequest, 'token' | 'tokenVia'> {
  const header = req.headers.authorization
  const match = header === undefined ? null : /^(?:Bearer|OAuth)\s+(\S+)$/i.exec(header)
  if (match?.[1] !== undefined) return { token: match[1], tokenVia: 'header' }
  const param = params.access_token
  if (typeof param === 'string' && param !== '') return { token: param, tokenVia: 'param' }
  return { token: null, tokenVia: 'none' }
}

/**
 * Builds the simulator's Fastify app (not listening): the Graph API under /{version}/...,
 * the control endpoints under /__sim. Only `npm run simulator` and tests listen, on 127.0.0.1.
 */
export async function buildSimulator (options: BuildSimulatorOptions = {}): Promise<BuiltSimulator> {
  const sim = new Simulator(options)
  // A test double: on close, drop keep-alive connections instead of waiting for clients to go.
  const app = Fastify({ logger: options.logger ?? false, forceCloseConnections: true })

  // §1.3: POST bodies arrive form-encoded as well as JSON.
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(String(body))))
  })

  await app.register(async scope => registerControlRoutes(scope, sim), { prefix: '/__sim' })

  app.route({
    method: ['GET', 'POST', 'DELETE'],
    url: '/*',
    handler: async (request, reply) => {
      const query = (request.query ?? {}) as RawParams
      const body = typeof request.body === 'object' && request.body !== null ? request.body as RawParams : {}
      const params: RawParams = { ...query, ...body }
      const { version, segments } = splitPath(request.url)
      const contentType = request.headers['content-type'] ?? ''
      const aborter = new AbortController()
      reply.raw.on('close', () => {
        if (!reply.raw.writableFinished) aborter.abort()
      })
      const outcome = await sim.dispatcher.handle({
        method: request.method as GraphMethod,
        version,
        segments,
        params,
        ...tokenOf(request, params),
        origin: `${request.protocol}://${request.host}`,
        inBatch: false,
        bodyEncoding: request.body === undefined || request.body === null
          ? 'none'
          : contentType.startsWith('application/json') ? 'json' : 'form',
        signal: aborter.signal
      })
      if ('unfinished' in outcome) return await reply.code(500).send({ error: { message: 'unfinished', code: 1 } })
      return await reply.code(outcome.status).headers(outcome.headers).send(outcome.body)
    }
  })
  return { app, sim }
}
