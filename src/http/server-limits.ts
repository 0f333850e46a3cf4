import type { FastifyServerOptions } from 'fastify'

/** HTTP_*_TIMEOUT_MS in milliseconds; the headers' limit is at most the request's (src/config.ts). */
export interface HttpTimeouts {
  httpRequestTimeoutMs: number
  httpHeadersTimeoutMs: number
  httpIdleTimeoutMs: number
}

/**
 * Time limits of the HTTP server, so a slow or silent client cannot hold a connection (and the
 * memory of its half-read body) for ever, authenticated or not:
 * - the headers within HTTP_HEADERS_TIMEOUT_MS and the whole request, body included, within
 *   HTTP_REQUEST_TIMEOUT_MS, or Node answers 408 and closes the connection;
 * - a connection with no traffic for HTTP_IDLE_TIMEOUT_MS is closed.
 * Node checks the first two every `connectionsCheckingInterval` (30 s by default, too coarse for
 * a 10 s limit), so the check runs at least twice per the shorter limit.
 */
export function httpServerLimits (config: HttpTimeouts): Partial<FastifyServerOptions> & { http: object } {
  const checkEvery = Math.max(10, Math.min(1000, Math.floor(config.httpHeadersTimeoutMs / 2)))
  return {
    requestTimeout: config.httpRequestTimeoutMs,
    connectionTimeout: config.httpIdleTimeoutMs,
    http: { headersTimeout: config.httpHeadersTimeoutMs, connectionsCheckingInterval: checkEvery }
  }
}
