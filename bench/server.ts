/**
 * The server under test, run as a child process of bench/run.ts (fork, IPC) so that the load
 * generator and the server compete for the same cores as they would on one host.
 *
 * BENCH_SERVERS lists what it serves, each on its own 127.0.0.1 port, all on one database pool:
 *   app    buildApp(deps) from src/app.ts as production wires it (with the provisioning engine's
 *          sink and user extension when present, API role)
 *   floor  a bare Fastify with handlers on the same pool: one indexed select of the users table,
 *          one transaction inserting a user row and a job row, and two diagnostics
 *   plain  buildApp with the noop sink (POST /Users without its job)
 *
 * It answers IPC messages: `stats` (RSS now, peak since `reset-peak`) and `stop`.
 */
import Fastify, { type FastifyInstance } from 'fastify'
import { loadConfig } from '../src/config.js'
import { openDatabase, type DatabaseHandle } from '../src/db/database.js'
import { buildApp } from '../src/app.js'
import { createLogger } from '../src/logger.js'
import { createMetrics } from '../src/metrics/registry.js'
import { RequestLog, defaultRequestLogSettings } from '../src/request-log/request-log.js'
import { loadProvisioning, type LoadedProvisioning } from './lib/sink.js'
import { databaseCpuMicros, statementsSent } from './lib/database-cpu.js'
import { StatisticsKeeper } from '../src/db/table-statistics.js'

export interface ChildReady { type: 'ready', ports: Record<string, number>, sink?: string | undefined, sinkError?: string | undefined }
export interface ChildStats {
  type: 'stats'
  rss: number
  peakRss: number
  maxRssKb: number
  heapUsed: number
  statements: number
  httpRequests: number
  /** CPU time of this process (user + system), µs. */
  cpuMicros: number
  /** CPU time of this database's PostgreSQL backends, µs, when the server runs on this host; else 0. */
  dbCpuMicros: number
}

const servers = new Set((process.env.BENCH_SERVERS ?? 'app').split(','))
const databaseUrl = process.env.BENCH_DATABASE_URL || undefined
const dataDir = process.env.BENCH_DATA_DIR ?? './data'
const tenantId = process.env.BENCH_TENANT_ID ?? ''
const wantProvisioning = process.env.BENCH_PROVISIONING === 'engine'

let httpRequests = 0

let peakRss = process.memoryUsage.rss()
const sampler = setInterval(() => {
  const rss = process.memoryUsage.rss()
  if (rss > peakRss) peakRss = rss
}, 10)
sampler.unref()

function floorApp (handle: DatabaseHandle): FastifyInstance {
  const app = Fastify({ logger: false })
  const pool = handle.pool
  app.get<{ Querystring: { userName: string } }>('/floor/read', async (request, reply) => {
    const result = await pool.query('select * from users where tenant_id = $1 and lower(user_name) = lower($2)', [tenantId, request.query.userName])
    if (result.rows.length === 0) return reply.code(404).send({ status: 404 })
    return result.rows[0]
  })
  // Diagnostics for the filter's gap to its floor (bench/findings.md): the statements the app
  // issues for one `userName eq` list, sent raw one after the other, and the same answer in one.
  app.get<{ Querystring: { userName: string } }>('/floor/read-app-sql', async (request) => {
    const name = request.query.userName
    const count = await pool.query('select count(*) as "n" from "users" where "tenant_id" = $1 and lower("user_name") = lower($2)', [tenantId, name])
    const page = await pool.query('select * from "users" where "tenant_id" = $1 and lower("user_name") = lower($2) order by "created_at", "id" offset $3 limit $4', [tenantId, name, 0, 100])
    const ids = page.rows.map((r: { id: string }) => r.id)
    const groups = await pool.query(`select "gm"."member_id", "g"."id", "g"."display_name" from "group_members" as "gm"
      inner join "groups" as "g" on "g"."tenant_id" = "gm"."tenant_id" and "g"."id" = "gm"."group_id"
      where "gm"."tenant_id" = $1 and gm.member_id = any($2::uuid[]) order by "g"."display_name", "g"."id"`, [tenantId, ids])
    const people = await pool.query('select * from "meta_people" where "tenant_id" = $1 and user_id = any($2::uuid[])', [tenantId, ids])
    return { total: count.rows[0], page: page.rows, groups: groups.rows, people: people.rows }
  })
  app.get<{ Querystring: { userName: string } }>('/floor/read-combined', async (request) => {
    const result = await pool.query(`select u.*, count(*) over () as total_results,
        coalesce((select json_agg(json_build_object('id', g.id, 'display', g.display_name) order by g.display_name, g.id)
          from group_members gm join groups g on g.tenant_id = gm.tenant_id and g.id = gm.group_id
          where gm.tenant_id = u.tenant_id and gm.member_id = u.id), '[]') as groups,
        (select row_to_json(p) from meta_people p where p.tenant_id = u.tenant_id and p.user_id = u.id) as meta_person
      from users u where u.tenant_id = $1 and lower(u.user_name) = lower($2)
      order by u.created_at, u.id offset 0 limit 100`, [tenantId, request.query.userName])
    return { page: result.rows }
  })
  app.post<{ Body: { userName: string } }>('/floor/write', async (request, reply) => {
    const name = request.body.userName
    const client = await pool.connect()
    try {
      await client.query('begin')
      const user = await client.query(
        'insert into users (tenant_id, user_name, active, data) values ($1, $2, true, $3) returning *',
        [tenantId, name, JSON.stringify({ userName: name, active: true })])
      const id = (user.rows[0] as { id: string }).id
      await client.query('insert into bench_jobs (name, singleton_key, data) values ($1, $2, $3)',
        ['reconcile-user', `${tenantId}:${id}`, JSON.stringify({ tenantId, userId: id, reason: 'bench' })])
      await client.query('commit')
      return await reply.code(201).send(user.rows[0])
    } catch (err) {
      await client.query('rollback').catch(() => {})
      throw err
    } finally {
      client.release()
    }
  })
  return app
}

async function listen (app: FastifyInstance): Promise<number> {
  app.addHook('onRequest', async () => { httpRequests++ })
  await app.listen({ host: '127.0.0.1', port: 0 })
  const address = app.server.address()
  return typeof address === 'object' && address ? address.port : 0
}

async function main (): Promise<void> {
  const config = loadConfig({
    LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'warn',
    SCIM_REQUEST_LOG: process.env.BENCH_REQUEST_LOG ?? 'true',
    DATA_DIR: dataDir,
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {})
  })
  const logger = createLogger(config.logLevel)
  const handle = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, poolSize: config.databasePoolSize, preparedStatements: config.databasePreparedStatements, log: logger })
  let sink: LoadedProvisioning | undefined
  let sinkError: string | undefined
  if (servers.has('app') && wantProvisioning) {
    try {
      sink = await loadProvisioning(handle, config, logger)
    } catch (err) {
      sinkError = err instanceof Error ? err.message : String(err)
    }
  }
  const apps: FastifyInstance[] = []
  const ports: Record<string, number> = {}
  // All servers share one database handle and pool: on PGlite that pool is the only way in.
  if (servers.has('floor')) {
    const floor = floorApp(handle)
    apps.push(floor)
    ports.floor = await listen(floor)
  }
  // As src/main.ts wires it: one metrics registry, the pool for its gauges, and (when the
  // provisioning engine is present) its sink and user extension.
  // The app's request log is built here so that `stats` can flush it: its batch writes are then
  // charged to the scenario that logged the requests, not to the one measured next.
  const metrics = createMetrics()
  const requestLog = new RequestLog({
    db: handle.db,
    settings: { ...defaultRequestLogSettings, ...config.requestLog },
    logger: logger.child({ component: 'request-log' }),
    onDrop: (reason, count) => { metrics.recordRequestLogDropped(reason, count) }
  })
  if (servers.has('app')) {
    const app = await buildApp({
      config,
      db: handle.db,
      logger,
      metrics,
      requestLog,
      pool: handle.pool,
      ...(sink ? { accessChanges: sink.sink, userExtensions: sink.userExtensions } : {})
    })
    apps.push(app)
    ports.app = await listen(app)
  }
  // The production-wired app with the SCIM request log off: what the log costs (docs/operations.md §9).
  if (servers.has('log-off')) {
    const app = await buildApp({
      config: { ...config, requestLog: { ...config.requestLog, enabled: false } },
      db: handle.db,
      logger,
      metrics: createMetrics(),
      pool: handle.pool,
      ...(sink ? { accessChanges: sink.sink, userExtensions: sink.userExtensions } : {})
    })
    apps.push(app)
    ports['log-off'] = await listen(app)
  }
  // buildApp with the noop sink: POST /Users without its job, for comparison.
  if (servers.has('plain')) {
    const plain = await buildApp({ config, db: handle.db, logger, metrics: createMetrics() })
    apps.push(plain)
    ports.plain = await listen(plain)
  }

  // As src/main.ts runs it in every process.
  const statistics = new StatisticsKeeper({ db: handle.db, intervalMs: config.databaseAnalyzeIntervalSeconds * 1000, logger })
  statistics.start()

  process.on('message', (message: { type: string }) => {
    if (message.type === 'stats') {
      void (async () => {
        await requestLog.flush()
        const rss = process.memoryUsage.rss()
        if (rss > peakRss) peakRss = rss
        const cpu = process.cpuUsage()
        const sent = statementsSent()
        const dbCpuMicros = await databaseCpuMicros(handle).catch(() => 0)
        const stats: ChildStats = { type: 'stats', rss, peakRss, maxRssKb: process.resourceUsage().maxRSS, heapUsed: process.memoryUsage().heapUsed, statements: sent, httpRequests, cpuMicros: cpu.user + cpu.system, dbCpuMicros }
        process.send?.(stats)
      })()
    } else if (message.type === 'reset-peak') {
      peakRss = process.memoryUsage.rss()
      process.send?.({ type: 'reset' })
    } else if (message.type === 'stop') {
      void (async () => {
        // Let requests autocannon abandoned at the end of its last run finish first.
        await new Promise((resolve) => setTimeout(resolve, 300))
        for (const app of apps) await app.close()
        await statistics.stop()
        await sink?.close()
        await handle.close()
        process.exit(0)
      })()
    }
  })
  const ready: ChildReady = { type: 'ready', ports, sink: sink?.description, sinkError }
  process.send?.(ready)
}

main().catch((err: unknown) => {
  process.stderr.write(`bench server failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`)
  process.exit(1)
})
