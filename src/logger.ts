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

export function loggerOptions (level: string): LoggerOptions {
  return {
    level,
    redact: { paths: redactPaths, censor: '[redacted]' },
    base: { service: 'scim-meta-bridge' }
  }
}

export function createLogger (level: string, destination?: pino.DestinationStream): Logger {
  return destination ? pino(loggerOptions(level), destination) : pino(loggerOptions(level))
}
