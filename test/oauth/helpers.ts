import { Writable } from 'node:stream'
import type { FastifyInstance, LightMyRequestResponse } from 'fastify'
import pino from 'pino'
import { loggerOptions } from '../../src/logger.js'
import { buildTestApp, type TestApp } from '../helpers/app.js'
import { adminClient, adminEnv } from '../helpers/admin.js'

interface Teardown { teardown: (fn: () => unknown) => void }

/** A settable clock, so expiry and rate-limit windows never depend on the wall clock. */
export interface FakeClock { now: () => number, advance: (ms: number) => void }

export function fakeClock (start = Date.parse('2027-03-01T09:00:00Z')): FakeClock {
  let at = start
  return { now: () => at, advance: (ms) => { at += ms } }
}

export interface OAuthTestApp extends TestApp {
  clock: FakeClock
  admin: ReturnType<typeof adminClient>
  /** Every log line the app wrote, at trace level, with the production redaction. */
  logs: string[]
}

export async function buildOAuthApp (t: Teardown, env: Record<string, string> = {}): Promise<OAuthTestApp> {
  const clock = fakeClock()
  const logs: string[] = []
  const sink = new Writable({ write (chunk: Buffer, _enc, done) { logs.push(chunk.toString('utf8')); done() } })
  const logger = pino(loggerOptions('trace'), sink)
  const built = await buildTestApp(t, { env: { ...adminEnv, ...env }, deps: { now: clock.now, logger } })
  return { ...built, clock, admin: adminClient(built.app), logs }
}

export interface CreatedClient { id: string, clientId: string, secret: string, secretId: string }

export async function createClient (app: OAuthTestApp, tenantId = app.tenantId,
  label = 'entra'): Promise<CreatedClient> {
  const res = await app.admin.post(`/tenants/${tenantId}/oauth-clients`, { label })
  if (res.statusCode !== 201) throw new Error(`create client: ${res.statusCode} ${res.body}`)
  const body = res.json()
  return { id: body.id, clientId: body.client_id, secret: body.client_secret.secret, secretId: body.client_secret.id }
}

/** RFC 6749 Appendix B: application/x-www-form-urlencoded, as Entra's client encodes it. */
export function form (params: Record<string, string> | Array<[string, string]>): string {
  return new URLSearchParams(params).toString()
}

/** RFC 6749 §2.3.1: form-urlencode id and secret, then Basic. */
export function basic (id: string, secret: string): string {
  const enc = (v: string) => new URLSearchParams({ v }).toString().slice(2)
  return 'Basic ' + Buffer.from(`${enc(id)}:${enc(secret)}`, 'utf8').toString('base64')
}

export function tokenRequest (
  app: FastifyInstance, body: string, headers: Record<string, string> = {}
): Promise<LightMyRequestResponse> {
  return app.inject({
    method: 'POST',
    url: '/oauth/token',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    payload: body
  })
}

/** Microsoft's validator probe: GET /Users?startIndex=1&count=1 with the token. */
export function scimProbe (app: FastifyInstance, accessToken: string): Promise<LightMyRequestResponse> {
  return app.inject({
    method: 'GET',
    url: '/scim/v2/Users?startIndex=1&count=1',
    headers: { authorization: `Bearer ${accessToken}`, accept: 'application/scim+json' }
  })
}
