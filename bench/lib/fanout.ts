import { sql } from 'kysely'
import { loadConfig } from '../../src/config.js'
import { openDatabase } from '../../src/db/database.js'
import { migrateToLatest } from '../../src/db/migrate.js'
import { createLogger } from '../../src/logger.js'
import { buildSimulator } from '../../src/simulator/app.js'
import { saveMetaSettings } from '../../src/tenants/meta-settings.js'
import { insertTenant } from '../../src/tenants/tenants-repository.js'
import type { DatabaseLocation } from './dataset.js'
import { loadProvisioning } from './sink.js'

export interface FanoutOptions {
  users: number
  timeoutSeconds: number
  /** The simulator's call budget per rolling window, for the app and each business use case. */
  budget: number
  windowSeconds: number
  logLevel: string
  workerConcurrency?: number | undefined
}

export interface FanoutResult {
  users: number
  invited: number
  seconds: number
  completed: boolean
  budget: number
  windowSeconds: number
  calls: number
  callsPerUser: number
  /** Calls by simulator route, most first, e.g. `business_users.invite 10,000, pending_users.list 402`. */
  callsByRoute: string
  /** Highest usage % the simulator reported for any bucket while sampling every 250 ms. */
  peakUsagePct: number
  /** Calls counted against the busiest bucket over the whole run / (budget × windows elapsed). */
  meanBudgetSharePct: number
  throttleErrors: number
  blockedCalls: number
  otherErrors: number
  errorCodes: string
  workerBatchSize: number
  workerConcurrency: number
}

/**
 * Meta fan-out: `users` new users entitled by the tenant's default role (EMPLOYEE) in a fresh
 * database of its own (the benchmark database holds thousands of queued jobs from the write
 * scenarios, which a worker there would drain first), a reconcile job each (enqueued the way an access-rule change
 * does, one INSERT … SELECT), and the engine's worker (startProvisioning, worker role) against
 * the simulator on 127.0.0.1 with a call budget. Runs in the bench process: the simulator stands
 * in for Meta there, the worker is the system under test.
 */
export async function runFanout (location: DatabaseLocation, options: FanoutOptions): Promise<FanoutResult> {
  const { app: simApp, sim } = await buildSimulator({})
  const window = { budget: options.budget, windowMs: options.windowSeconds * 1000 }
  sim.updateSettings({ rateLimits: { app: window, buc: window } })
  await simApp.listen({ host: '127.0.0.1', port: 0 })
  const address = simApp.server.address()
  const simUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`
  const seeded = sim.seedBusiness({})
  const businessId = seeded.business.id
  const config = loadConfig({
    LOG_LEVEL: options.logLevel,
    DATA_DIR: location.dataDir,
    ...(location.databaseUrl ? { DATABASE_URL: location.databaseUrl } : {}),
    META_GRAPH_URL: simUrl,
    META_API_VERSION: 'v26.0',
    ...(options.workerConcurrency === undefined ? {} : { WORKER_CONCURRENCY: String(options.workerConcurrency) })
  })
  const logger = createLogger(config.logLevel)
  const handle = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, poolSize: config.databasePoolSize, preparedStatements: config.databasePreparedStatements, log: logger })
  let provisioning: Awaited<ReturnType<typeof loadProvisioning>> | undefined
  try {
    const db = handle.db
    await migrateToLatest(db)
    const tenant = await insertTenant(db, 'bench-fanout')
    // The runtime (without its worker yet) for the secret box and the queue.
    provisioning = await loadProvisioning(handle, config, logger, false)
    const runtime = provisioning.runtime
    await db.transaction().execute(async (trx) => {
      await saveMetaSettings(trx, runtime.box, tenant.id, {
        businessId, accessToken: seeded.token, appSecret: null, identityMode: 'facebook_profiles', inviteType: 'FB', defaultRole: 'EMPLOYEE', dryRun: false
      }, 'admin')
    })
    await sql`
      insert into users (tenant_id, user_name, external_id, active, display_name, data)
      select ${tenant.id}::uuid, 'fan' || i || '@fanout.example', 'fan-' || i, true, 'Fan ' || i,
        jsonb_build_object('userName', 'fan' || i || '@fanout.example', 'active', true, 'displayName', 'Fan ' || i,
          'emails', jsonb_build_array(jsonb_build_object('value', 'fan' || i || '@fanout.example', 'type', 'work', 'primary', true)))
      from generate_series(1, ${options.users}::int) as i`.execute(db)
    await db.transaction().execute(async (trx) => { await runtime.queue.enqueueTenant(trx, tenant.id, 'bench fan-out') })
    const invitedCount = (): number => sim.store.requestsOf(businessId).filter((r) => /pending/i.test(String(r.status))).length
    let peakUsagePct = 0
    const t0 = performance.now()
    await runtime.startWorker()
    const deadline = t0 + options.timeoutSeconds * 1000
    let invited = 0
    while (performance.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 250))
      for (const b of sim.limiter.all()) peakUsagePct = Math.max(peakUsagePct, b.usagePct)
      invited = invitedCount()
      if (invited >= options.users) break
    }
    const seconds = (performance.now() - t0) / 1000
    await provisioning.close()
    provisioning = undefined
    const calls = sim.calls.list()
    const s = sim.settings.rateLimits
    const byRoute = new Map<string, number>()
    for (const c of calls) byRoute.set(c.route, (byRoute.get(c.route) ?? 0) + 1)
    const throttleCodes = new Set([4, 17, 32, 613, s.appThrottle.code, ...Object.values(s.bucThrottle).map((e) => e.code)])
    const errorCodes = new Map<number, number>()
    for (const c of calls) if (c.errorCode !== null) errorCodes.set(c.errorCode, (errorCodes.get(c.errorCode) ?? 0) + 1)
    const buckets = sim.limiter.all()
    const busiest = Math.max(0, ...buckets.map((b) => b.totalCalls))
    const windows = Math.max(1, seconds / options.windowSeconds)
    return {
      users: options.users,
      invited,
      seconds,
      completed: invited >= options.users,
      budget: options.budget,
      windowSeconds: options.windowSeconds,
      calls: calls.length,
      callsPerUser: calls.length / Math.max(1, invited),
      callsByRoute: [...byRoute].sort((a, b) => b[1] - a[1]).map(([route, n]) => `${route} ${n.toLocaleString('en-US')}`).join(', '),
      peakUsagePct,
      meanBudgetSharePct: busiest / (options.budget * windows) * 100,
      throttleErrors: calls.filter((c) => c.errorCode !== null && throttleCodes.has(c.errorCode)).length,
      blockedCalls: Math.max(calls.filter((c) => c.blocked).length, buckets.reduce((a, b) => a + b.blockedCalls, 0)),
      otherErrors: calls.filter((c) => c.errorCode !== null && !throttleCodes.has(c.errorCode)).length,
      errorCodes: [...errorCodes].map(([code, n]) => `${code}×${n}`).join(', ') || 'none',
      workerBatchSize: config.worker.batchSize,
      workerConcurrency: config.worker.concurrency
    }
  } finally {
    await provisioning?.close()
    await handle.close()
    await simApp.close()
  }
}
