import { fork, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { loadConfig } from '../../src/config.js'
import { openDatabase } from '../../src/db/database.js'
import { migrateToLatest } from '../../src/db/migrate.js'
import { createLogger } from '../../src/logger.js'
import { buildSimulator } from '../../src/simulator/app.js'
import type { DatabaseLocation } from './dataset.js'
import { loadProvisioning } from './sink.js'
import { seedFanoutTenant } from './fanout-tenant.js'
import { databaseCpuMicros, statementsSent } from './database-cpu.js'
import { StatisticsKeeper } from '../../src/db/table-statistics.js'

export interface FanoutOptions {
  users: number
  timeoutSeconds: number
  /** The simulator's call budget per rolling window, for the app and each business use case. */
  budget: number
  windowSeconds: number
  logLevel: string
  workerConcurrency?: number | undefined
  /**
   * Worker replicas (PostgreSQL only). 1: the worker runs in the bench process. More: each in
   * a process of its own (bench/fanout-worker.ts), as `ROLE=worker` replicas run in production,
   * sharing the database's queue and the simulator's buckets.
   */
  replicas?: number
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
  /**
   * Calls counted against the busiest bucket over the whole run / (budget × windows elapsed, at
   * least one). A job smaller than one window's budget cannot pass its own share of that budget
   * (`jobSharePct`) however fast it runs.
   */
  meanBudgetSharePct: number
  /** The busiest bucket's calls / one window's budget: the ceiling of the mean share when it is under 100. */
  jobSharePct: number
  /**
   * The busiest bucket's calls after its first window / (budget × windows after it): the share
   * held once the budget binds; null for runs shorter than 1.5 windows.
   */
  sustainedSharePct: number | null
  /** Usage % of the busiest bucket every tenth of the run (sampled every 250 ms). */
  usageTimeline: string
  throttleErrors: number
  blockedCalls: number
  otherErrors: number
  errorCodes: string
  workerBatchSize: number
  workerConcurrency: number
  replicas: number
  /**
   * What one job cost, with the worker in this process (one replica): SQL statements sent, this
   * process's CPU (the worker and the simulator, which shares it), and the PostgreSQL backends'
   * CPU (0 on PGlite, whose work is this process's). Null with worker processes.
   */
  perJob: { statements: number, cpuMicros: number, dbCpuMicros: number } | null
}

const replicaScript = fileURLToPath(new URL('../fanout-worker.ts', import.meta.url))

function nextMessage (child: ChildProcess, type: string, timeoutMs: number): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { cleanup(); reject(new Error(`fan-out replica: no ${type} within ${timeoutMs} ms`)) }, timeoutMs)
    const onMessage = (m: { type: string }): void => { if (m.type === type) { cleanup(); resolve(m) } }
    const onExit = (code: number | null): void => { cleanup(); reject(new Error(`fan-out replica exited with ${String(code)} before ${type}`)) }
    const cleanup = (): void => { clearTimeout(timer); child.off('message', onMessage); child.off('exit', onExit) }
    child.on('message', onMessage)
    child.on('exit', onExit)
  })
}

interface Replicas { start: () => Promise<void>, stop: () => Promise<void> }

/** Forks the worker replicas (bench/fanout-worker.ts) and waits until each runtime is up. */
async function forkReplicas (count: number, location: DatabaseLocation, simUrl: string, options: FanoutOptions): Promise<Replicas> {
  const children = Array.from({ length: count }, () => fork(replicaScript, [], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    env: {
      ...process.env,
      BENCH_DATABASE_URL: location.databaseUrl ?? '',
      BENCH_DATA_DIR: location.dataDir,
      BENCH_META_GRAPH_URL: simUrl,
      BENCH_LOG_LEVEL: options.logLevel,
      BENCH_WORKER_CONCURRENCY: options.workerConcurrency === undefined ? '' : String(options.workerConcurrency)
    }
  }))
  const stop = async (): Promise<void> => {
    await Promise.all(children.map(async (child) => {
      if (child.exitCode !== null) return
      const done = new Promise<void>((resolve) => child.once('exit', () => resolve()))
      child.send({ type: 'stop' })
      const timer = setTimeout(() => child.kill('SIGKILL'), 30_000)
      await done
      clearTimeout(timer)
    }))
  }
  try {
    await Promise.all(children.map(async (child) => await nextMessage(child, 'ready', 120_000)))
  } catch (err) {
    for (const child of children) child.kill('SIGKILL')
    throw err
  }
  return {
    start: async () => {
      await Promise.all(children.map(async (child) => {
        const started = nextMessage(child, 'started', 60_000)
        child.send({ type: 'start' })
        await started
      }))
    },
    stop
  }
}

/**
 * Meta fan-out: `users` new users entitled by the tenant's default role (EMPLOYEE) in a fresh
 * database of its own (the benchmark database holds thousands of queued jobs from the write
 * scenarios, which a worker there would drain first), a reconcile job each (enqueued the way an access-rule change
 * does, one INSERT … SELECT), and the engine's worker (startProvisioning, worker role) against
 * the simulator on 127.0.0.1 with a call budget. Runs in the bench process: the simulator stands
 * in for Meta there, the worker is the system under test. With `replicas` > 1 the workers run in
 * processes of their own (bench/fanout-worker.ts) on the same PostgreSQL database.
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
  const replicaCount = Math.max(1, options.replicas ?? 1)
  if (replicaCount > 1 && location.databaseUrl === undefined) throw new Error('fan-out replicas need PostgreSQL: PGlite is one process\'s database')
  let provisioning: Awaited<ReturnType<typeof loadProvisioning>> | undefined
  let replicas: Replicas | undefined
  try {
    const db = handle.db
    await migrateToLatest(db)
    // The runtime (without its worker yet) for the secret box and the queue.
    provisioning = await loadProvisioning(handle, config, logger, false)
    const runtime = provisioning.runtime
    await seedFanoutTenant(db, {
      box: runtime.box, queue: runtime.queue, business: { id: businessId, token: seeded.token }, users: options.users, name: 'bench-fanout', reason: 'bench fan-out'
    })
    const invitedCount = (): number => sim.store.requestsOf(businessId).filter((r) => /pending/i.test(String(r.status))).length
    if (replicaCount > 1) {
      // The bench process keeps only the queue (API role); the workers are the replicas.
      replicas = await forkReplicas(replicaCount, location, simUrl, options)
    }
    let peakUsagePct = 0
    const samples: Array<{ at: number, usagePct: number, busiestCalls: number }> = []
    const statements0 = statementsSent()
    const cpu0 = process.cpuUsage()
    const dbCpu0 = await databaseCpuMicros(handle).catch(() => 0)
    // As src/main.ts runs it in every process (the replicas run their own).
    const statistics = new StatisticsKeeper({ db, intervalMs: config.databaseAnalyzeIntervalSeconds * 1000, logger })
    const t0 = performance.now()
    statistics.start()
    if (replicas === undefined) await runtime.startWorker()
    else await replicas.start()
    const deadline = t0 + options.timeoutSeconds * 1000
    let invited = 0
    while (performance.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 250))
      const statuses = sim.limiter.all()
      for (const b of statuses) peakUsagePct = Math.max(peakUsagePct, b.usagePct)
      const busiest = statuses.reduce<typeof statuses[number] | undefined>((a, b) => (a === undefined || b.totalCalls > a.totalCalls ? b : a), undefined)
      samples.push({ at: (performance.now() - t0) / 1000, usagePct: busiest?.usagePct ?? 0, busiestCalls: busiest?.totalCalls ?? 0 })
      invited = invitedCount()
      if (invited >= options.users) break
    }
    const seconds = (performance.now() - t0) / 1000
    await statistics.stop()
    const cpu = process.cpuUsage(cpu0)
    const perJob = replicas === undefined && invited > 0
      ? {
          statements: (statementsSent() - statements0) / invited,
          cpuMicros: (cpu.user + cpu.system) / invited,
          dbCpuMicros: (await databaseCpuMicros(handle).catch(() => 0) - dbCpu0) / invited
        }
      : null
    await replicas?.stop()
    replicas = undefined
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
    const afterFirst = samples.find((x) => x.at >= options.windowSeconds)
    const sustainedWindows = (seconds - (afterFirst?.at ?? seconds)) / options.windowSeconds
    const timeline = Array.from({ length: 10 }, (_, i) => samples[Math.min(samples.length - 1, Math.floor((i + 1) * samples.length / 10) - 1)])
      .filter((x) => x !== undefined).map((x) => `${x.at.toFixed(0)} s ${x.usagePct} %`).join(', ')
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
      jobSharePct: busiest / options.budget * 100,
      sustainedSharePct: afterFirst === undefined || sustainedWindows < 0.5
        ? null
        : (busiest - afterFirst.busiestCalls) / (options.budget * sustainedWindows) * 100,
      usageTimeline: timeline,
      throttleErrors: calls.filter((c) => c.errorCode !== null && throttleCodes.has(c.errorCode)).length,
      blockedCalls: Math.max(calls.filter((c) => c.blocked).length, buckets.reduce((a, b) => a + b.blockedCalls, 0)),
      otherErrors: calls.filter((c) => c.errorCode !== null && !throttleCodes.has(c.errorCode)).length,
      errorCodes: [...errorCodes].map(([code, n]) => `${code}×${n}`).join(', ') || 'none',
      workerBatchSize: config.worker.batchSize,
      workerConcurrency: config.worker.concurrency,
      replicas: replicaCount,
      perJob
    }
  } finally {
    await replicas?.stop()
    await provisioning?.close()
    await handle.close()
    await simApp.close()
  }
}
