import type { FastifyInstance } from 'fastify'
import pino from 'pino'
import { buildApp } from '../../../src/app.js'
import { SyncService } from '../../../src/sync/sync-service.js'
import { ADMIN_TOKEN } from '../../helpers/admin.js'
import { testConfig } from '../../helpers/app.js'
import { brakeHarness, type BrakeHarness } from '../../brake/helpers/brake-harness.js'
import { API_VERSION } from '../../meta/helpers/harness.js'

interface Teardown { teardown: (fn: () => unknown) => void }

export interface ConsoleHarness {
  h: BrakeHarness
  app: FastifyInstance
  sync: SyncService
  /** http://127.0.0.1:<port> of the app with the console. */
  base: string
  /** The console's session clock: tests move it instead of waiting. */
  clock: { now: Date, advance: (seconds: number) => void }
}

/**
 * The brake harness (simulator over loopback, provisioning runtime, the removal brake) plus an
 * app wired like main.ts (provisioning, brake decisions, sync) with the console, listening on
 * 127.0.0.1 for a real browser.
 */
export async function consoleHarness (t: Teardown, options: {
  /** Extra settings; a function when they name the harness's tenant (a tenant-scoped role). */
  env?: Record<string, string> | ((h: BrakeHarness) => Record<string, string>)
  /** A port chosen beforehand, for settings that name the console's URL (PUBLIC_BASE_URL, an IdP's redirect URI). */
  port?: number
} = {}): Promise<ConsoleHarness> {
  const h = await brakeHarness(t)
  const clock = { now: new Date('2026-12-01T10:00:00Z'), advance: (s: number) => { clock.now = new Date(clock.now.getTime() + s * 1000) } }
  const sync = new SyncService({
    db: h.db, ports: h.runtime.syncPorts, clients: h.runtime.clients, logger: pino({ level: 'silent' })
  })
  t.teardown(() => sync.drain())
  const config = testConfig({
    ADMIN_TOKEN,
    META_GRAPH_URL: h.simUrl,
    META_API_VERSION: API_VERSION,
    OVERLOAD_MAX_EVENT_LOOP_DELAY_MS: '0',
    ...(typeof options.env === 'function' ? options.env(h) : options.env)
  })
  const app = await buildApp({
    config,
    db: h.db,
    logger: pino({ level: 'silent' }),
    provisioning: h.runtime,
    removalBrake: { db: h.db, queue: h.runtime.queue, now: () => h.clock.now },
    sync,
    consoleNow: () => clock.now
  })
  t.teardown(() => app.close())
  await app.listen({ port: options.port ?? 0, host: '127.0.0.1' })
  const address = app.server.address()
  const port = typeof address === 'object' && address !== null ? address.port : 0
  return { h, app, sync, base: `http://127.0.0.1:${port}`, clock }
}
