import pino from 'pino'
import { buildApp } from '../../src/app.js'
import { createMetrics, type Metrics } from '../../src/metrics/registry.js'
import { RequestLog, defaultRequestLogSettings, type RequestLogSettings } from '../../src/request-log/request-log.js'
import { insertTenant } from '../../src/tenants/tenants-repository.js'
import { TokenService } from '../../src/tenants/token-service.js'
import { testConfig } from '../helpers/app.js'
import { adminClient, adminEnv } from '../helpers/admin.js'
import { createTestDatabase } from '../helpers/database.js'

interface Teardown { teardown: (fn: () => unknown) => void }

export const OKTA_AGENT = 'Okta SCIM Client 1.0.0'

/** A movable clock for timestamps and retention. */
export function testClock (start = new Date('2026-06-01T12:00:00Z')) {
  let now = start.getTime()
  return { now: () => new Date(now), advance: (ms: number) => { now += ms } }
}

/**
 * The app with a request log the test controls: its flush timer far away (the test flushes),
 * its clock injected, drops counted into the app's registry.
 */
export async function requestLogApp (t: Teardown, settings: Partial<RequestLogSettings> = {}, clock = testClock()) {
  const database = await createTestDatabase(t)
  const metrics: Metrics = createMetrics({ defaultMetrics: false })
  const config = testConfig(adminEnv)
  const log = new RequestLog({
    db: database.db,
    settings: { ...defaultRequestLogSettings, flushIntervalMs: 3_600_000, ...settings },
    onDrop: (reason, count) => { metrics.recordRequestLogDropped(reason, count) },
    now: clock.now
  })
  const tokens = new TokenService(database.db, 0)
  const app = await buildApp({ config, db: database.db, logger: pino({ level: 'silent' }), tokens, metrics, requestLog: log })
  t.teardown(() => app.close())
  const addTenant = async (name: string, label = 'okta-prod') => {
    const tenant = await insertTenant(database.db, name)
    const created = await tokens.create(tenant.id, label)
    return {
      tenantId: tenant.id,
      token: created.token,
      headers: {
        authorization: `Bearer ${created.token}`,
        'content-type': 'application/scim+json',
        'user-agent': OKTA_AGENT
      }
    }
  }
  const scim = async (headers: Record<string, string>, method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, body?: unknown) =>
    await app.inject({ method, url: `/scim/v2${url}`, headers, ...(body === undefined ? {} : { payload: JSON.stringify(body) }) })
  return { app, db: database.db, log, metrics, clock, admin: adminClient(app), addTenant, scim }
}

export const userBody = (userName: string, extra: Record<string, unknown> = {}) => ({
  schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
  userName,
  active: true,
  emails: [{ value: userName, primary: true, type: 'work' }],
  ...extra
})
