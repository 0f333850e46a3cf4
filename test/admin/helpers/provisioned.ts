import pino from 'pino'
import { buildApp } from '../../../src/app.js'
import { insertTenant } from '../../../src/tenants/tenants-repository.js'
import { adminClient, adminEnv } from '../../helpers/admin.js'
import { testConfig } from '../../helpers/app.js'
import { API_VERSION } from '../../meta/helpers/harness.js'
import { provisioningHarness } from '../../provisioning/helpers/harness.js'

interface Teardown { teardown: (fn: () => unknown) => void }

/**
 * The provisioning harness (simulator on 127.0.0.1, a tenant connected to a seeded business, a
 * worker drained by hand) plus an admin app on the same database wired to its runtime, and a
 * second, empty tenant for isolation checks.
 */
export async function provisionedAdmin (t: Teardown, options: Parameters<typeof provisioningHarness>[1] = {}) {
  const h = await provisioningHarness(t, options)
  const config = testConfig({ ...adminEnv, META_GRAPH_URL: h.simUrl, META_API_VERSION: API_VERSION })
  const app = await buildApp({ config, db: h.db, logger: pino({ level: 'silent' }), provisioning: h.runtime })
  t.teardown(() => app.close())
  const other = await insertTenant(h.db, 'other')
  const admin = adminClient(app)
  const base = `/tenants/${h.tenantId}`
  return { h, app, admin, base, otherId: other.id, otherBase: `/tenants/${other.id}` }
}
