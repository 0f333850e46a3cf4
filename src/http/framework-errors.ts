import type { IncomingMessage, ServerResponse } from 'node:http'
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify'
import fp from 'fastify-plugin'
import { ScimError } from '../scim/errors.js'
import { sendJsonError } from './error-handler.js'

const ROUTER_ERROR = Symbol('router error')

/** A raw request the router refused once, carrying the error it raised. */
type RefusedRequest = IncomingMessage & { [ROUTER_ERROR]?: ScimError }

/** find-my-way's default `maxParamLength`, which this app keeps. */
const MAX_PARAM_LENGTH = 100

function decodable (segment: string): boolean {
  try {
    decodeURIComponent(segment)
    return true
  } catch {
    return false
  }
}

/**
 * A target the router can match in place of one it refused: each path segment that cannot be
 * percent-decoded or is longer than a path parameter may be becomes `_`. Such a segment is
 * never one of our static segments (those are short ASCII words), so the target still matches
 * the route, or falls into the not-found handler of the scope, that the refused one was for.
 */
export function routableTarget (url: string): string {
  const at = url.indexOf('?')
  const path = at === -1 ? url : url.slice(0, at)
  const segments = path.split('/').map((s) => (segmentRefusal(s) === undefined ? s : '_'))
  return segments.join('/') + (at === -1 ? '' : url.slice(at))
}

/**
 * The error the router would raise for this target when no wildcard route catches it first:
 * a path segment too long for a parameter (414) or not percent-decodable (400). A catch-all
 * route calls it so that such a target answers the same whether or not a wildcard matched it.
 */
export function routerRefusal (url: string): ScimError | undefined {
  const at = url.indexOf('?')
  const refusals = (at === -1 ? url : url.slice(0, at)).split('/').map(segmentRefusal)
  return refusals.find((r) => r?.status === 400) ?? refusals.find((r) => r !== undefined)
}

/** What the router refuses a single path segment for, if anything (400 before 414, as above). */
function segmentRefusal (segment: string): ScimError | undefined {
  if (!decodable(segment)) return new ScimError(400, undefined, 'the path is not a valid URL')
  if (segment.length > MAX_PARAM_LENGTH) {
    return new ScimError(414, undefined, 'a path segment is longer than this server accepts')
  }
  return undefined
}

/**
 * Errors the router raises before any route is chosen: an undecodable path (400) and a path
 * parameter over `maxParamLength` (414, RFC 9110 §15.5.15). Each API answers in its own format
 * (the SCIM API in RFC 7644 §3.12 bodies), and only the router knows which API a target is for, so
 * the request is routed once more with a routable target: the hook of `routerErrorsPlugin`,
 * first of every route's hooks, throws the error there, and the error handler of the scope the
 * target reached formats it. No handler runs and nothing is authorised; no URL is inspected.
 */
export function createRouterErrors () {
  let routing: ((req: IncomingMessage, res: ServerResponse) => void) | undefined

  function frameworkErrors (error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
    const status = error.code === 'FST_ERR_MAX_PARAM_LENGTH' ? 414 : 400
    const refused = new ScimError(status, undefined,
      status === 414 ? 'a path segment is longer than this server accepts' : 'the path is not a valid URL')
    const raw = request.raw as RefusedRequest
    // Refused again (or before the app is ready): answered here, in the app-wide format.
    if (routing === undefined || raw[ROUTER_ERROR] !== undefined) {
      void sendJsonError(reply, refused)
      return
    }
    raw[ROUTER_ERROR] = refused
    raw.url = routableTarget(raw.url ?? '/')
    routing(raw, reply.raw)
  }

  const routerErrorsPlugin = fp(async (app: FastifyInstance) => {
    routing = app.routing.bind(app)
    app.addHook('onRequest', (request: FastifyRequest, _reply: FastifyReply, done: HookHandlerDoneFunction) => {
      const refused = (request.raw as RefusedRequest)[ROUTER_ERROR]
      done(refused)
    })
  }, { name: 'router-errors' })

  return { frameworkErrors, routerErrorsPlugin }
}
