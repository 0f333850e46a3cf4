/**
 * `npx tsx bench/request-log-cost.ts [requests] [--engine=pglite|pg] [--rounds=8] [--shapes=filter,post]`:
 * the SCIM request log's CPU cost per request, measured in one process with app.inject, log on
 * and off in alternating blocks. CPU time (process.cpuUsage) rather than wall time, so a machine
 * shared with other work still gives comparable numbers; the log's batch writes are flushed
 * inside the measured blocks, so their cost is counted. With `--engine=pg` (a scratch database
 * on BENCH_PG_URL, default postgres://postgres@127.0.0.1:5432/test) the CPU of this process's
 * PostgreSQL backends is counted as well, read from /proc when the server runs on this host:
 * there the batch INSERT runs in the server, not here. See bench/findings.md §7.
 */
import { rmSync } from 'node:fs'
import pino from 'pino'
import { buildApp } from '../src/app.js'
import { loadConfig } from '../src/config.js'
import { openDatabase } from '../src/db/database.js'
import { migrateToLatest } from '../src/db/migrate.js'
import { RequestLog, defaultRequestLogSettings } from '../src/request-log/request-log.js'
import { insertTenant } from '../src/tenants/tenants-repository.js'
import { TokenService } from '../src/tenants/token-service.js'
import { createLocation } from './lib/dataset.js'
import { databaseCpuMicros, statementsSent } from './lib/database-cpu.js'

const flags = new Map(process.argv.slice(2).filter((a) => a.startsWith('--')).map((a) => {
  const [k = '', v = ''] = a.slice(2).split('=', 2)
  return [k, v]
}))
const requests = Number(process.argv.slice(2).find((a) => !a.startsWith('--')) ?? 2000)
const rounds = Number(flags.get('rounds') ?? 8)
const engine = flags.get('engine') === 'pg' ? 'postgres' : 'pglite'
const location = await createLocation(engine, process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test')
const dir = location.dataDir
const handle = await openDatabase({ dataDir: dir, databaseUrl: location.databaseUrl })
await migrateToLatest(handle.db)
const config = loadConfig({ DATA_DIR: dir, LOG_LEVEL: 'silent', OVERLOAD_MAX_EVENT_LOOP_DELAY_MS: '0' })
const tokens = new TokenService(handle.db)
const tenant = await insertTenant(handle.db, 'bench')
const { token } = await tokens.create(tenant.id, 'okta')
const logger = pino({ level: 'silent' })
const log = new RequestLog({ db: handle.db, settings: { ...defaultRequestLogSettings, flushIntervalMs: 3_600_000 } })
const withLog = await buildApp({ config, db: handle.db, logger, tokens, requestLog: log })
const withoutLog = await buildApp({ config: { ...config, requestLog: { ...config.requestLog, enabled: false } }, db: handle.db, logger, tokens })
const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/scim+json', 'user-agent': 'Okta SCIM Client 1.0.0' }
for (let i = 0; i < 500; i++) {
  await withoutLog.inject({ method: 'POST', url: '/scim/v2/Users', headers, payload: JSON.stringify({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: `seed${i}@bench.example`, name: { givenName: 'Seed', familyName: String(i) }, emails: [{ value: `seed${i}@bench.example`, primary: true, type: 'work' }], active: true }) })
}

type Shape = (k: number) => { method: 'GET' | 'POST', url: string, payload?: string }
const allShapes: Record<string, Shape> = {
  filter: (k) => ({ method: 'GET', url: `/scim/v2/Users?filter=${encodeURIComponent(`userName eq "seed${k % 500}@bench.example"`)}` }),
  post: (k) => ({ method: 'POST', url: '/scim/v2/Users', payload: JSON.stringify({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: `new${k}-${Math.random()}@bench.example`, password: 'not-logged-pw', emails: [{ value: `n${k}@bench.example`, primary: true }], active: true }) })
}
const wanted = (flags.get('shapes') ?? 'filter,post').split(',')
const shapes = Object.entries(allShapes).filter(([name]) => wanted.includes(name))

let flushCpu = 0
interface Measured { cpu: number, server: number, statements: number }
async function block (app: typeof withLog, shape: Shape, n: number, offset: number): Promise<Measured> {
  const serverCpu = await databaseCpuMicros(handle)
  const sent = statementsSent()
  const start = process.cpuUsage()
  for (let k = 0; k < n; k++) await app.inject({ ...shape(offset + k), headers })
  const beforeFlush = process.cpuUsage()
  await log.flush()
  const flushed = process.cpuUsage(beforeFlush)
  if (app === withLog) flushCpu += flushed.user + flushed.system
  const used = process.cpuUsage(start)
  const measured = { cpu: (used.user + used.system) / n, statements: (statementsSent() - sent) / n }
  return { ...measured, server: ((await databaseCpuMicros(handle)) - serverCpu) / n }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length)
const pct = (a: number, b: number) => `${b >= a ? '+' : ''}${((b / a - 1) * 100).toFixed(1)} %`
process.stdout.write(`engine ${engine}, ${requests} requests per shape, ${rounds} rounds\n`)
for (const [name, shape] of shapes) {
  const on: Measured[] = []
  const off: Measured[] = []
  // Warm-up: JIT and caches, not measured.
  await block(withoutLog, shape, 300, 10_000_000)
  await block(withLog, shape, 300, 20_000_000)
  flushCpu = 0
  for (let r = 0; r < rounds; r++) {
    off.push(await block(withoutLog, shape, requests / 2 / rounds, r * requests))
    on.push(await block(withLog, shape, requests / 2 / rounds, r * requests + requests / 2))
  }
  const a = median(off.map((m) => m.cpu))
  const b = median(on.map((m) => m.cpu))
  let line = `${name}: CPU per request, log off ${a.toFixed(0)} µs, log on ${b.toFixed(0)} µs (${pct(a, b)})` +
    `; of which batch writes ${(flushCpu / (requests / 2)).toFixed(0)} µs` +
    `; statements per request off ${mean(off.map((m) => m.statements)).toFixed(3)}, on ${mean(on.map((m) => m.statements)).toFixed(3)}`
  if (engine === 'postgres') {
    const sa = mean(off.map((m) => m.server))
    const sb = mean(on.map((m) => m.server))
    line += `; server backends off ${sa.toFixed(0)} µs, on ${sb.toFixed(0)} µs;` +
      ` both off ${(a + sa).toFixed(0)} µs, on ${(b + sb).toFixed(0)} µs (${pct(a + sa, b + sb)})`
  }
  process.stdout.write(`${line}\n  rounds off [${off.map((x) => x.cpu.toFixed(0)).join(', ')}] on [${on.map((x) => x.cpu.toFixed(0)).join(', ')}]\n`)
}
await withLog.close()
await withoutLog.close()
await handle.close()
await location.dispose()
rmSync(dir, { recursive: true, force: true })
