import type { FastifyInstance } from 'fastify'
import pino from 'pino'
import { buildApp } from '../../../src/app.js'
import { createRemovalBrake } from '../../../src/brake/gate.js'
import type { RemovalGate } from '../../../src/provisioning/engine/removal-gate.js'
import { ADMIN_TOKEN, adminClient } from '../../helpers/admin.js'
import { testConfig } from '../../helpers/app.js'
import { provisioningHarness, type Harness } from '../../provisioning/helpers/harness.js'

interface Teardown { teardown: (fn: () => unknown) => void }

export interface BrakeHarness extends Harness {
  admin: ReturnType<typeof adminClient>
  adminApp: FastifyInstance
  /** The brake's clock: tests move it instead of sleeping. */
  clock: { now: Date, advance: (seconds: number) => void }
  /** Adds members to the simulated business and SCIM users that adopt them; their ids. */
  members: (count: number, prefix?: string) => Promise<string[]>
  /** Graph calls that removed someone or cancelled an invitation since `seq`. */
  removalCalls: (since: number) => number
}

/**
 * The provisioning harness with the real removal brake as its gate (the gate needs the
 * database the harness creates, hence the late binding), and an admin app on the same database.
 */
export async function brakeHarness (t: Teardown): Promise<BrakeHarness> {
  const clock = { now: new Date('2026-12-01T10:00:00Z'), advance: (s: number) => { clock.now = new Date(clock.now.getTime() + s * 1000) } }
  const bound: { gate?: RemovalGate } = {}
  const gate: RemovalGate = {
    review: async (r) => await (bound.gate ?? fail()).review(r),
    settled: async (tenantId, userId) => { await (bound.gate ?? fail()).settled?.(tenantId, userId) }
  }
  const h = await provisioningHarness(t, { gate })
  bound.gate = createRemovalBrake({ db: h.db, logger: pino({ level: 'silent' }), now: () => clock.now })
  const adminApp = await buildApp({
    config: testConfig({ ADMIN_TOKEN, OVERLOAD_MAX_EVENT_LOOP_DELAY_MS: '0' }),
    db: h.db,
    logger: pino({ level: 'silent' }),
    removalBrake: { db: h.db, queue: h.runtime.queue, now: () => clock.now }
  })
  t.teardown(() => adminApp.close())
  return {
    ...h,
    admin: adminClient(adminApp),
    adminApp,
    clock,
    members: async (count, prefix = 'm') => {
      const ids: string[] = []
      for (let i = 0; i < count; i++) {
        const email = `${prefix}${i}@example.com`
        h.sim.addMember(h.businessId, { email, role: 'EMPLOYEE' })
        ids.push(await h.createUser(email))
      }
      await h.drain()
      return ids
    },
    removalCalls: (since) => h.sim.calls.list({ since }).filter((c) => c.method === 'DELETE' && c.status < 400).length
  }
}

function fail (): never {
  throw new Error('the brake was not bound yet')
}
