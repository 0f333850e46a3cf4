import pino, { type Logger, type LoggerOptions } from 'pino'

/**
 * Paths pino censors wherever they appear in a log line: bearer tokens in request headers,
 * Meta access tokens and app secrets in settings, freshly created tokens in results.
 */
export const redactPaths = [
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  '*.authorization',
  '*.accessToken',
  '*.access_token',
  '*.appSecret',
  '*.app_secret',
  '*.token',
  '*.password',
  '*.secret',
  '*.client_secret',
  '*.client_assertion',
  '*.refresh_token',
  'accessToken',
  'appSecret',
  'token',
  'password'
]

/** Query parameters whose values are never logged (a token sent as `?access_token=`, RFC 6750 §2.3). */
const SECRET_PARAMETER = /token|secret|password|key|code|signature|assertion/i

/** A URL with the values of secret-looking query parameters replaced. */
export function redactUrl (url: string): string {
  const at = url.indexOf('?')
  if (at < 0) return url
  const query = url.slice(at + 1).split('&').map((pair) => {
    const eq = pair.indexOf('=')
    const name = eq < 0 ? pair : pair.slice(0, eq)
    let decoded = name
    try { decoded = decodeURIComponent(name.replace(/\+/g, ' ')) } catch { /* an undecodable name is checked as sent */ }
    return eq >= 0 && SECRET_PARAMETER.test(decoded) ? `${name}=[redacted]` : pair
  })
  return `${url.slice(0, at)}?${query.join('&')}`
}

/** Fastify's request serializer, with the query's secrets redacted. */
function serializeRequest (req: {
  method: string, url: string, host?: string, ip?: string, socket?: { remotePort?: number }
}) {
  return {
    method: req.method,
    url: redactUrl(req.url),
    host: req.host,
    remoteAddress: req.ip,
    remotePort: req.socket?.remotePort
  }
}

export function loggerOptions (level: string): LoggerOptions {
  return {
    level,
    redact: { paths: redactPaths, censor: '[redacted]' },
    serializers: { req: serializeRequest },
    base: { service: 'scim-meta-bridge' }
  }
}

export function createLogger (level: string, destination?: pino.DestinationStream): Logger {
  return destination ? pino(loggerOptions(level), destination) : pino(loggerOptions(level))
}
