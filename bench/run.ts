/**
 * `npm run bench`: seeds each engine at each scale with bulk SQL, serves the real app and the
 * floors from a child process, drives them with autocannon, and writes bench/RESULTS.md.
 * See bench/README.md.
 */
import { randomBytes } from 'node:crypto'
import { loadavg } from 'node:os'
import { parseArgs, type BenchOptions, type Engine, type ScenarioName } from './lib/args.js'
import { startServer, type ServerChild, type ServerKind } from './lib/child.js'
import { createLocation, seed, type Dataset, type DatabaseLocation } from './lib/dataset.js'
import { runFanout } from './lib/fanout.js'
import { runDrainLatency } from './lib/drain-latency.js'
import { oktaImport, pageThroughAll } from './lib/flows.js'
import { measure, type LoadPoint } from './lib/load.js'
import { writeReport, type RunRecord } from './lib/report.js'
import { loadScenarios, type LoadScenario } from './lib/scenarios.js'
import { engineAvailable, fanoutReadiness } from './lib/sink.js'

const log = (line: string): void => { process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}\n`) }

async function withServer<T> (options: BenchOptions, location: DatabaseLocation, dataset: Dataset, servers: ServerKind[], provisioning: boolean, label: string, work: (server: ServerChild) => Promise<T>): Promise<T> {
  const server = await startServer({ servers, location, tenantId: dataset.tenantId, sink: provisioning, logLevel: options.logLevel, cpuProfile: options.cpuProfile, label })
  try {
    return await work(server)
  } finally {
    await server.stop()
  }
}

function perServed (rounds: Array<LoadPoint & ServerCost & { served?: number }>, value: (r: ServerCost) => number): number {
  const served = rounds.reduce((a, r) => a + (r.served ?? 0), 0)
  return served > 0 ? rounds.reduce((a, r) => a + value(r) * (r.served ?? 0), 0) / served : 0
}

/** Rounds per point for interleaved blocks: floor and app alternate so both see the same noise. */
const ROUNDS = 2

interface ServerCost { statementsPerRequest: number, cpuPerRequest: number, dbCpuPerRequest: number }

function combine (rounds: Array<LoadPoint & ServerCost>): LoadPoint & ServerCost {
  const first = rounds[0]
  if (!first) throw new Error('no rounds')
  const seconds = rounds.reduce((a, r) => a + r.durationSeconds, 0)
  const ok = rounds.reduce((a, r) => a + r.rps * r.durationSeconds, 0)
  return {
    connections: first.connections,
    rps: ok / seconds,
    // Percentiles cannot be merged exactly: the mean of the rounds' p50 and the worst p99.
    p50: rounds.reduce((a, r) => a + r.p50, 0) / rounds.length,
    p99: Math.max(...rounds.map((r) => r.p99)),
    requests: rounds.reduce((a, r) => a + r.requests, 0),
    errors: rounds.reduce((a, r) => a + r.errors, 0),
    non2xx: rounds.reduce((a, r) => a + r.non2xx, 0),
    durationSeconds: seconds,
    loadAvg: Math.max(...rounds.map((r) => r.loadAvg)),
    statementsPerRequest: rounds.reduce((a, r) => a + r.statementsPerRequest, 0) / rounds.length,
    // CPU per request over all rounds: total CPU over total requests served.
    cpuPerRequest: perServed(rounds, (r) => r.cpuPerRequest),
    dbCpuPerRequest: perServed(rounds, (r) => r.dbCpuPerRequest)
  }
}

/**
 * Measures a block of scenarios. A block of more than one (a floor and what is compared with
 * it) is interleaved: at each connection count, ROUNDS rounds of each scenario in turn (every
 * other round in reverse order), each round a share of the duration, so a burst of load from
 * elsewhere hits both sides.
 */
async function runBlock (options: BenchOptions, record: RunRecord, server: ServerChild, block: LoadScenario[], engine: Engine, users: number): Promise<void> {
  if (block.length === 0) return
  const rounds = block.length > 1 ? ROUNDS : 1
  for (const scenario of block) {
    if (options.warmupSeconds > 0) await measure(scenario.spec(server.url(scenario.server)), Math.max(...options.connections), options.warmupSeconds)
  }
  for (const connections of options.connections) {
    const results = new Map<LoadScenario, Array<LoadPoint & ServerCost & { served: number }>>()
    for (let r = 0; r < rounds; r++) {
      // Every other round in reverse: what ran just before a scenario (the floor, the other
      // side's leftover work) can bias it, and reversing cancels a constant bias out of a pair.
      for (const scenario of r % 2 === 0 ? block : [...block].reverse()) {
        if (scenario.diagnostic && options.connections.includes(16) && connections !== 16) continue
        const before = await server.stats()
        const measured = await measure(scenario.spec(server.url(scenario.server)), connections, options.durationSeconds / rounds)
        const after = await server.stats()
        const served = after.httpRequests - before.httpRequests
        const per = (d: number): number => (served > 0 ? d / served : 0)
        results.set(scenario, [...(results.get(scenario) ?? []), {
          ...measured,
          served,
          statementsPerRequest: per(after.statements - before.statements),
          cpuPerRequest: per(after.cpuMicros - before.cpuMicros),
          dbCpuPerRequest: per(after.dbCpuMicros - before.dbCpuMicros)
        }])
      }
    }
    for (const [scenario, list] of results) {
      const point = combine(list)
      log(`${engine} ${users} ${scenario.name} c=${connections}: ${point.rps.toFixed(0)} req/s p50 ${point.p50.toFixed(1)} ms p99 ${point.p99} ms ${point.statementsPerRequest.toFixed(1)} SQL/req` +
        ` CPU ${point.cpuPerRequest.toFixed(0)} µs/req (database ${point.dbCpuPerRequest.toFixed(0)})` +
        (point.non2xx + point.errors > 0 ? ` (${point.non2xx} non-2xx, ${point.errors} errors)` : ''))
      record.points.push({ scenario: scenario.name, title: scenario.title, engine, users, ...point })
    }
  }
}

async function runEngineScale (options: BenchOptions, record: RunRecord, engine: Engine, users: number, largest: boolean): Promise<void> {
  const want = (name: ScenarioName): boolean => options.scenarios.has(name)
  const location = await createLocation(engine, options.pgUrl)
  try {
    log(`${engine} ${users}: seeding`)
    const dataset = await seed(location, users)
    log(`${engine} ${users}: seeded in ${dataset.seedSeconds.toFixed(1)} s`)
    record.datasets.push({ engine, users, dataset })
    if (engine === 'postgres') record.versions.postgres = dataset.serverVersion
    else record.versions.pgliteServer = dataset.serverVersion
    const engine5 = engineAvailable()
    if (!engine5 && want('post-with-job')) {
      record.notRunnable.set('post-with-job', 'the provisioning engine (src/provisioning/runtime.ts, access-change-sink.ts) is not present; POST /Users was measured without a job (scenario `post`)')
    }
    const all = loadScenarios(dataset, randomBytes(3).toString('hex'))
    const named = (...names: ScenarioName[]): LoadScenario[] => names.filter(want).map((n) => all.find((s) => s.name === n)).filter((s): s is LoadScenario => s !== undefined)
    // Compared pairs are interleaved blocks; the rest run one after the other.
    const blocks: LoadScenario[][] = [
      named('floor-read', 'filter', 'filter-log-off', 'floor-read-app-sql', 'floor-read-combined'),
      named('get'),
      named('list-deep'),
      named('floor-write', ...(engine5 ? ['post-with-job' as const, 'post-with-job-log-off' as const] : []), 'post'),
      named('patch-user'),
      named('patch-group-big', 'patch-group-small')
    ].filter((b) => b.length > 0)
    if (blocks.length > 0) {
      await withServer(options, location, dataset, ['floor', 'app', 'plain', 'log-off'], engine5, `${engine}-${users}`, async (server) => {
        if (engine5 && !server.sink) record.notRunnable.set('post-with-job', `provisioning engine present but failed to start: ${server.sinkError ?? 'unknown'}`)
        record.sink = server.sink
        for (const block of blocks) {
          await runBlock(options, record, server, block.filter((s) => !s.name.startsWith('post-with-job') || server.sink !== undefined), engine, users)
        }
      })
    }
    if (largest && want('memory')) {
      log(`${engine} ${users}: memory (paging through all users)`)
      const memory = await withServer(options, location, dataset, ['app'], engine5, `${engine}-${users}-memory`, async (server) => pageThroughAll(server, dataset))
      record.memory.push({ engine, ...memory })
      log(`${engine} ${users}: peak RSS ${memory.peakRssMb.toFixed(0)} MB over ${memory.pages} pages in ${memory.seconds.toFixed(1)} s`)
    }
    if (largest && want('import')) {
      log(`${engine}: Okta-style import of ${options.importUsers} users (provisioning: ${engine5 ? 'engine' : 'none'})`)
      const result = await withServer(options, location, dataset, ['app'], engine5, `${engine}-import`, async (server) => ({
        sink: server.sink ?? (server.sinkError ? `none (${server.sinkError})` : 'none'),
        ...(await oktaImport(server, dataset, options.importUsers, options.importConcurrency))
      }))
      record.imports.push({ engine, ...result })
      log(`${engine}: import ${result.totalSeconds.toFixed(1)} s, ${result.errors} errors`)
    }
    if (largest && want('fanout')) {
      const readiness = fanoutReadiness()
      if (!readiness.ready) {
        record.notRunnable.set('fanout', `missing ${readiness.missing.join('; ')}`)
      } else {
        // Replicas share one database: PGlite is one process's, so it runs one worker only.
        for (const replicas of options.fanoutReplicas.filter((n) => n === 1 || engine === 'postgres')) {
          log(`${engine}: Meta fan-out of ${options.fanoutUsers} users, ${replicas} worker replica(s)`)
          const fanoutLocation = await createLocation(engine, options.pgUrl)
          const result = await runFanout(fanoutLocation, { users: options.fanoutUsers, timeoutSeconds: options.fanoutTimeoutSeconds, budget: options.fanoutBudget, windowSeconds: options.fanoutWindowSeconds, logLevel: options.logLevel, workerConcurrency: options.workerConcurrency, replicas }).finally(async () => { await fanoutLocation.dispose() })
          record.fanouts.push({ engine, ...result, loadAvg: loadavg()[0] ?? 0 })
          log(`${engine}: fan-out ${result.invited}/${result.users} invited in ${result.seconds.toFixed(1)} s, budget share ${result.meanBudgetSharePct.toFixed(1)} % (sustained ${result.sustainedSharePct?.toFixed(1) ?? '–'} %), ${result.throttleErrors} throttle errors, ${result.blockedCalls} calls while blocked; usage ${result.usageTimeline}${result.perJob === null ? '' : `; per job ${result.perJob.statements.toFixed(1)} SQL, CPU ${result.perJob.cpuMicros.toFixed(0)} µs + db ${result.perJob.dbCpuMicros.toFixed(0)} µs`}`)
        }
      }
    }
    if (largest && engine === 'pglite' && want('drain-latency')) {
      log(`pglite: health and SCIM-read latency while ${options.drainMembers} reconciles drain`)
      const result = await runDrainLatency({ members: options.drainMembers, timeoutSeconds: options.fanoutTimeoutSeconds, logLevel: options.logLevel })
      record.drains.push({ ...result, loadAvg: loadavg()[0] ?? 0 })
      log(`pglite: drained in ${result.drainSeconds.toFixed(1)} s; health p99 ${result.health.p99.toFixed(0)} ms, read p99 ${result.read.p99.toFixed(0)} ms`)
    }
  } finally {
    await location.dispose()
  }
}

async function main (): Promise<void> {
  const options = parseArgs(process.argv.slice(2))
  const record: RunRecord = {
    options,
    startedAt: new Date(),
    loadAvgStart: loadavg(),
    loadAvgEnd: [],
    points: [],
    datasets: [],
    imports: [],
    memory: [],
    fanouts: [],
    drains: [],
    notRunnable: new Map(),
    versions: {},
    sink: undefined,
    finishedAt: undefined
  }
  log(`engines ${options.engines.join(',')}, scales ${options.scales.join(',')}, connections ${options.connections.join(',')}, ${options.durationSeconds} s per point`)
  const largest = Math.max(...options.scales)
  try {
    for (const users of options.scales) {
      for (const engine of options.engines) {
        await runEngineScale(options, record, engine, users, users === largest)
      }
    }
  } finally {
    record.finishedAt = new Date()
    record.loadAvgEnd = loadavg()
    writeReport(record)
    log(`wrote ${options.output} (${((record.finishedAt.getTime() - record.startedAt.getTime()) / 60000).toFixed(1)} min)`)
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`)
  process.exit(1)
})
