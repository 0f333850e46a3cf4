import type { FastifyReply, FastifyRequest } from 'fastify'
import { ScimError } from '../../scim/errors.js'
import { formatEtag } from '../../scim/resource/etag.js'
import type { JsonObject } from '../../scim/resource/json.js'

/** RFC 7644 §3.1: the media type of every SCIM body, answers and errors alike. */
export const SCIM_CONTENT_TYPE = 'application/scim+json; charset=utf-8'

export interface RouteContext {
  /** The SCIM base URL for meta.location and Location headers. */
  baseUrl: (request: FastifyRequest) => string
  maxPageSize: number
}

/**
 * The SCIM base URL: the service's configured origin (src/http/public-origin.ts), never the
 * request's Host header, so no client can put a URL of its choosing into an answer.
 */
export function baseUrlResolver (origin: string, prefix: string): (request: FastifyRequest) => string {
  const base = `${origin}${prefix}`
  return () => base
}

/** A single header value (the first, when a client repeats it). */
export function header (request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name]
  return Array.isArray(value) ? value[0] : value
}

/** Answers a SCIM body as application/scim+json (RFC 7644 §3.1), with the ETag when versioned. */
export async function sendScim (
  reply: FastifyReply, status: number, body: JsonObject, version?: number
): Promise<FastifyReply> {
  if (version !== undefined) void reply.header('etag', formatEtag(version))
  return reply.code(status).type(SCIM_CONTENT_TYPE).send(body)
}

/** 405 with a SCIM error body and the methods that are allowed (RFC 9110 §15.5.6). */
export function methodNotAllowed (allowed: string) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<never> => {
    void reply.header('allow', allowed)
    throw new ScimError(405, undefined, `${request.method} is not supported here; use ${allowed}`)
  }
}

/**
 * Parses application/json and application/scim+json bodies. An empty body is no body: Okta
 * sends `Content-Type: application/scim+json` on requests without one (docs/idp-behaviour.md §B).
 */
export function parseJsonBody (
  _request: FastifyRequest, body: string, done: (err: Error | null, body?: unknown) => void
): void {
  if (body.trim() === '') {
    done(null, undefined)
    return
  }
  try {
    done(null, JSON.parse(body))
  } catch {
    done(ScimError.of('invalidSyntax', 'the request body is not valid JSON'))
  }
}
