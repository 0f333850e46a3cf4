import type { Test } from 'tap'
import pino from 'pino'
import { buildApp } from '../../../src/app.js'
import { MetaGovernor, type MetaClientOptions } from '../../../src/meta/index.js'
import { createMetaClientFactory, type MetaClientFactory } from '../../../src/provisioning/adapters/meta-clients.js'
import { SyncService } from '../../../src/sync/sync-service.js'
import { insertTenant } from '../../../src/tenants/tenants-repository.js'
import type { SeedBusinessInput } from '../../../src/simulator/state/seed.js'
import { adminClient, adminEnv } from '../../helpers/admin.js'
import { testConfig } from '../../helpers/app.js'
import { createTestDatabase } from '../../helpers/database.js'
import { API_VERSION, startSimulator } from '../../meta/helpers/harness.js'
import { testPorts } from './ports.js'

export interface ScimUserInput {
  userName: string
  emails?: Array<{ value: string, primary?: boolean }>
  role?: string
  active?: boolean
}

/** A Meta client factory on the simulator with its own governor, as one process builds it. */
export function simulatorClients (url: string, overrides: Partial<MetaClientOptions>): MetaClientFactory {
  return createMetaClientFactory({
    graphUrl: url, apiVersion: API_VERSION, timeoutMs: 5000, governor: new MetaGovernor({ random: () => 0 }), overrides
  })
}

/**
 * A simulated business, a migrated database, the app with a sync wired to test ports that point
 * at the simulator over loopback HTTP, and one tenant connected to the business.
 */
export async function syncSetup (t: Test, options: { business?: SeedBusinessInput, pageSize?: number, assignedFirstPage?: number, listen?: boolean } = {}) {
  const { sim, url } = await startSimulator(t)
  const seeded = sim.seedBusiness(options.business ?? { admins: [{ email: 'owner@corp.example' }] })
  const database = await createTestDatabase(t)
  const db = database.db
  const control = await testPorts(db, {
    graphUrl: url, apiVersion: API_VERSION, accessToken: seeded.token, businessId: seeded.business.id, identityMode: 'facebook_profiles'
  })
  const sync = new SyncService({
    db,
    ports: control.ports,
    clients: simulatorClients(url, {
      random: () => 0, retry: { baseDelayMs: 1, maxDelayMs: 2 }, pageSize: options.pageSize ?? 2
    }),
    assignedFirstPage: options.assignedFirstPage ?? 2
  })
  const app = await buildApp({ config: testConfig(adminEnv), db, logger: pino({ level: 'silent' }), sync })
  t.teardown(() => app.close())
  const tenant = await insertTenant(db, 'acme')
  const admin = adminClient(app)

  const addUser = async (input: ScimUserInput, tenantId = tenant.id): Promise<string> => {
    const data = {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
      userName: input.userName,
      active: input.active ?? true,
      ...(input.emails === undefined ? {} : { emails: input.emails.map((e) => ({ type: 'work', ...e })) }),
      ...(input.role === undefined ? {} : { roles: [{ value: input.role }] })
    }
    const row = await db.insertInto('users')
      .values({ tenant_id: tenantId, user_name: input.userName, external_id: null, active: data.active, display_name: null, data: JSON.stringify(data) })
      .returning('id').executeTakeFirstOrThrow()
    return row.id
  }

  /** Starts a sync through the admin API and waits until this process has finished it. */
  const runSync = async (tenantId = tenant.id) => {
    const res = await admin.post(`/tenants/${tenantId}/sync`)
    if (res.statusCode !== 202) throw new Error(`sync did not start: ${res.statusCode} ${res.body}`)
    await sync.drain()
    const run = await admin.get(`/tenants/${tenantId}/sync/runs/${res.json().id as string}`)
    return run.json()
  }

  return { sim, url, seeded, businessId: seeded.business.id, database, db, control, sync, app, tenantId: tenant.id, admin, addUser, runSync }
}
