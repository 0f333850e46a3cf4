import type { FastifyInstance } from 'fastify'
import pino from 'pino'
import { buildApp } from '../../../src/app.js'
import type { Metrics } from '../../../src/metrics/registry.js'
import { createSecretBox } from '../../../src/crypto/secret-box.js'
import { MetaGovernor, type GovernorOptions } from '../../../src/meta/index.js'
import { startProvisioning, type ProvisioningRuntime } from '../../../src/provisioning/runtime.js'
import { findPerson, type PersonRecord } from '../../../src/provisioning/records/people-repository.js'
import type { RemovalGate } from '../../../src/provisioning/engine/removal-gate.js'
import type { UnknownOutcomePolicy } from '../../../src/provisioning/engine/step-runner.js'
import type { BuildSimulatorOptions } from '../../../src/simulator/app.js'
import type { SeedBusinessInput, SeededBusiness } from '../../../src/simulator/state/seed.js'
import type { Simulator } from '../../../src/simulator/simulator.js'
import { replaceAccessRules } from '../../../src/tenants/access-rules-repository.js'
import { parseAccessRules } from '../../../src/tenants/access-rules.js'
import { saveMetaSettings, type MetaSettingsInput } from '../../../src/tenants/meta-settings.js'
import { insertTenant } from '../../../src/tenants/tenants-repository.js'
import { TokenService } from '../../../src/tenants/token-service.js'
import { testConfig } from '../../helpers/app.js'
import { createTestDatabase } from '../../helpers/database.js'
import { API_VERSION, startSimulator } from '../../meta/helpers/harness.js'

interface Teardown { teardown: (fn: () => unknown) => void }

export interface Harness {
  app: FastifyInstance
  database: Awaited<ReturnType<typeof createTestDatabase>>
  db: Awaited<ReturnType<typeof createTestDatabase>>['db']
  runtime: ProvisioningRuntime
  sim: Simulator
  simUrl: string
  seeded: SeededBusiness
  businessId: string
  tenantId: string
  governor: MetaGovernor
  scim: (method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', path: string, body?: unknown) => Promise<{ status: number, body: any }>
  createUser: (userName: string, extra?: Record<string, unknown>) => Promise<string>
  createGroup: (displayName: string, memberIds: string[]) => Promise<string>
  setActive: (userId: string, active: boolean) => Promise<void>
  settings: (patch: Partial<MetaSettingsInput>) => Promise<void>
  rules: (rules: unknown[]) => Promise<void>
  drain: (options?: Parameters<ProvisioningRuntime['worker']['drain']>[0]) => ReturnType<ProvisioningRuntime['worker']['drain']>
  person: (userId: string) => Promise<PersonRecord | undefined>
  /** Graph calls the simulator received, by route name. */
  calls: (route?: string) => ReturnType<Simulator['calls']['list']>
  inviteOf: (email: string) => ReturnType<Simulator['store']['requestsOf']>[number] | undefined
  memberOf: (email: string) => ReturnType<Simulator['store']['membersOf']>[number] | undefined
}

/**
 * A migrated database (PGlite, or the server when TEST_DATABASE_URL is set), the simulator on
 * 127.0.0.1, a tenant connected to a seeded business, the SCIM app wired to the provisioning
 * queue, and a worker drained by hand (no timers).
 */
export async function provisioningHarness (t: Teardown, options: {
  sim?: BuildSimulatorOptions
  business?: SeedBusinessInput
  settings?: Partial<MetaSettingsInput>
  governor?: GovernorOptions
  gate?: RemovalGate
  unknownOutcome?: UnknownOutcomePolicy
  /** The registry the app and the runtime report into, as main.ts wires it; unset: the app gets a fresh one. */
  metrics?: Metrics
  /** More environment for the configuration (e.g. RECONCILE_TRACES_PER_PERSON). */
  env?: Record<string, string>
} = {}): Promise<Harness> {
  const { sim, url: simUrl } = await startSimulator(t as never, options.sim)
  const seeded = sim.seedBusiness(options.business)
  const database = await createTestDatabase(t)
  // The overload guard is off: a loaded test machine must not turn SCIM writes into 503s.
  const config = testConfig({
    META_GRAPH_URL: simUrl,
    META_API_VERSION: API_VERSION,
    WORKER_BATCH_SIZE: '10',
    OVERLOAD_MAX_EVENT_LOOP_DELAY_MS: '0',
    ...options.env
  })
  const logger = pino({ level: 'silent' })
  const governor = new MetaGovernor({ random: () => 0, ...options.governor })
  const runtime = await startProvisioning({
    config,
    database,
    logger,
    runWorker: false,
    supervise: false,
    governor,
    gate: options.gate,
    unknownOutcome: options.unknownOutcome,
    // Meta calls, jobs and plan steps are counted where main.ts counts them.
    metrics: options.metrics,
    box: createSecretBox(Buffer.alloc(32, 7)),
    clientOverrides: { retry: { retries: 1, baseDelayMs: 1, maxDelayMs: 2 }, random: () => 0, timeoutMs: 2000 }
  })
  t.teardown(() => runtime.stop())
  const tokens = new TokenService(database.db, 0)
  const app = await buildApp({ config, db: database.db, logger, tokens, metrics: options.metrics, accessChanges: runtime.accessChanges, userExtensions: runtime.userExtensions })
  t.teardown(() => app.close())
  const tenant = await insertTenant(database.db, 'provisioning')
  const token = (await tokens.create(tenant.id, 'test')).token
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/scim+json' }
  let current: MetaSettingsInput = {
    businessId: seeded.business.id,
    accessToken: seeded.token,
    appSecret: null,
    identityMode: 'facebook_profiles',
    inviteType: 'FB',
    defaultRole: 'EMPLOYEE',
    dryRun: false,
    ...options.settings
  }
  const settings = async (patch: Partial<MetaSettingsInput>) => {
    current = { ...current, ...patch }
    await database.db.transaction().execute(async (trx) => { await saveMetaSettings(trx, runtime.box, tenant.id, current, 'admin') })
  }
  await settings({})
  const scim: Harness['scim'] = async (method, path, body) => {
    const res = await app.inject({ method, url: `/scim/v2${path}`, headers, payload: body === undefined ? undefined : JSON.stringify(body) })
    return { status: res.statusCode, body: res.body === '' ? null : JSON.parse(res.body) }
  }
  const lower = (s: string) => s.toLowerCase()
  return {
    app,
    database,
    db: database.db,
    runtime,
    sim,
    simUrl,
    seeded,
    businessId: seeded.business.id,
    tenantId: tenant.id,
    governor,
    scim,
    settings,
    createUser: async (userName, extra = {}) => {
      const res = await scim('POST', '/Users', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName, active: true, emails: [{ value: userName, primary: true }], ...extra })
      if (res.status !== 201) throw new Error(`create ${userName}: ${res.status} ${JSON.stringify(res.body)}`)
      return res.body.id as string
    },
    createGroup: async (displayName, memberIds) => {
      const res = await scim('POST', '/Groups', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName, members: memberIds.map((value) => ({ value })) })
      if (res.status !== 201) throw new Error(`group ${displayName}: ${res.status} ${JSON.stringify(res.body)}`)
      return res.body.id as string
    },
    setActive: async (userId, active) => {
      const res = await scim('PATCH', `/Users/${userId}`, { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'replace', path: 'active', value: active }] })
      if (res.status !== 200) throw new Error(`patch active: ${res.status} ${JSON.stringify(res.body)}`)
    },
    rules: async (rules) => {
      await database.db.transaction().execute(async (trx) => {
        const changed = await replaceAccessRules(trx, tenant.id, parseAccessRules(rules))
        await runtime.queue.enqueueGroupNames(trx, tenant.id, changed, 'rules changed (test)')
      })
    },
    drain: async (o) => await runtime.worker.drain(o),
    person: async (userId) => await findPerson(database.db, tenant.id, userId),
    calls: (route) => sim.calls.list(route === undefined ? {} : { route }),
    inviteOf: (email) => sim.store.requestsOf(seeded.business.id).find((r) => lower(r.email) === lower(email) && r.status === 'pending'),
    memberOf: (email) => sim.store.membersOf(seeded.business.id).find((m) => lower(m.email) === lower(email))
  }
}
