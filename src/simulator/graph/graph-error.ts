import { randomBytes } from 'node:crypto'
import type { ErrorSpec } from '../error-spec.js'

/** An error the simulator answers with, in Graph's envelope (docs/meta-graph-api.md §4.1). */
export class GraphError extends Error {
  constructor (readonly spec: ErrorSpec) {
    super(spec.message)
  }

  envelope (fbtraceId: string): { error: Record<string, unknown> } {
    const { spec } = this
    return {
      error: {
        message: spec.message,
        type: spec.type ?? 'OAuthException',
        code: spec.code,
        ...(spec.subcode === undefined ? {} : { error_subcode: spec.subcode }),
        ...(spec.isTransient === undefined ? {} : { is_transient: spec.isTransient }),
        fbtrace_id: fbtraceId
      }
    }
  }
}

export function newTraceId (): string {
  return randomBytes(8).toString('base64url')
}

/** (#100) invalid parameter, HTTP 400 (§4.2). */
export function invalidParam (message: string, subcode?: number): GraphError {
  return new GraphError({ code: 100, subcode, type: 'OAuthException', status: 400, message: `(#100) ${message}` })
}

/** An error naming the object (`{id}`) and the request's method (`{method}`: get, post, delete). */
export function withId (spec: ErrorSpec, id: string, method = 'GET'): GraphError {
  const message = spec.message.replace('{id}', id).replace('{method}', method.toLowerCase())
  return new GraphError({ ...spec, message })
}

/** 3914: last admin (§4.2, business-user doc). */
export function lastAdminError (): GraphError {
  return new GraphError({
    code: 3914,
    type: 'OAuthException',
    status: 400,
    message: "It looks like you're trying to remove the last admin from this Business Manager. At least one admin is required"
  })
}

/** 100/1752129: unsupported task combination (Marketing API error reference). */
export function taskCombinationError (): GraphError {
  return invalidParam('This Task Combination Is Not Supported', 1752129)
}

/** 100/1752100: the user id is not business-scoped ([S] §1.7). */
export function notBusinessScopedError (): GraphError {
  return invalidParam('User is not business-scoped', 1752100)
}

export function unknownPath (path: string): GraphError {
  return new GraphError({ code: 2500, type: 'OAuthException', status: 400, message: `Unknown path components: /${path}` })
}
