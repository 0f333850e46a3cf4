import type { FastifyInstance } from 'fastify'
import pino from 'pino'
import { buildApp, type AppDeps } from '../../src/app.js'
import { loadConfig, type Config } from '../../src/config.js'
import { insertTenant } from '../../src/tenants/tenants-repository.js'
import { TokenService } from '../../src/tenants/token-service.js'
import { createTestDatabase } from './database.js'

interface Teardown { teardown: (fn: () => unknown) => void }

export function testConfig (overrides: Record<string, string> = {}): Config {
  // Overload shedding off unless a test turns it on: a loaded CI machine must not turn into 503s.
  return loadConfig({ DATA_DIR: 'memory://', LOG_LEVEL: 'silent', OVERLOAD_MAX_EVENT_LOOP_DELAY_MS: '0', ...overrides })
}

export interface TestApp {
  app: FastifyInstance
  db: Awaited<ReturnType<typeof createTestDatabase>>['db']
  database: Awaited<ReturnType<typeof createTestDatabase>>
  tokens: TokenService
  tenantId: string
  token: string
  /** Authorization and content type for SCIM requests of this tenant. */
  headers: Record<string, string>
  /** A second tenant with its own token, for isolation tests. */
  addTenant: (name: string) => Promise<{ tenantId: string, token: string, headers: Record<string, string> }>
}

export async function buildTestApp (t: Teardown, options: { env?: Record<string, string>, deps?: Partial<AppDeps> } = {}): Promise<TestApp> {
  const database = await createTestDatabase(t)
  const config = testConfig(options.env)
  // Cache off: tests revoke tokens and expect the next request to fail.
  const tokens = new TokenService(database.db, 0)
  const app = await buildApp({ config, db: database.db, logger: pino({ level: 'silent' }), tokens, ...options.deps })
  t.teardown(() => app.close())
  const addTenant = async (name: string) => {
    const tenant = await insertTenant(database.db, name)
    const created = await tokens.create(tenant.id, 'test')
    return {
      tenantId: tenant.id,
      token: created.token,
      headers: { authorization: `Bearer ${created.token}`, 'content-type': 'application/scim+json' }
    }
  }
  const first = await addTenant('test')
  return { app, db: database.db, database, tokens, tenantId: first.tenantId, token: first.token, headers: first.headers, addTenant }
}
