/**
 * `npx tsx bench/request-log-cost.ts [requests]`: the SCIM request log's CPU cost per request,
 * measured in one process on the embedded database with app.inject, log on and off in
 * alternating blocks. CPU time (process.cpuUsage) rather than wall time, so a machine shared
 * with other work still gives comparable numbers; the log's batch writes are flushed inside
 * the measured blocks, so their cost is counted. See bench/findings.md.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pino from 'pino'
import { buildApp } from '../src/app.js'
import { loadConfig } from '../src/config.js'
import { openDatabase } from '../src/db/database.js'
import { migrateToLatest } from '../src/db/migrate.js'
import { RequestLog, defaultRequestLogSettings } from '../src/request-log/request-log.js'
import { insertTenant } from '../src/tenants/tenants-repository.js'
import { TokenService } from '../src/tenants/token-service.js'

const requests = Number(process.argv[2] ?? 2000)
const dir = mkdtempSync(join(tmpdir(), 'request-log-cost-'))
const handle = await openDatabase({ dataDir: dir })
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
const shapes: Record<string, Shape> = {
  filter: (k) => ({ method: 'GET', url: `/scim/v2/Users?filter=${encodeURIComponent(`userName eq "seed${k % 500}@bench.example"`)}` }),
  post: (k) => ({ method: 'POST', url: '/scim/v2/Users', payload: JSON.stringify({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: `new${k}-${Math.random()}@bench.example`, password: 'not-logged-pw', emails: [{ value: `n${k}@bench.example`, primary: true }], active: true }) })
}

let flushCpu = 0
async function block (app: typeof withLog, shape: Shape, n: number, offset: number): Promise<number> {
  const start = process.cpuUsage()
  for (let k = 0; k < n; k++) await app.inject({ ...shape(offset + k), headers })
  const beforeFlush = process.cpuUsage()
  await log.flush()
  const flushed = process.cpuUsage(beforeFlush)
  if (app === withLog) flushCpu += flushed.user + flushed.system
  const used = process.cpuUsage(start)
  return (used.user + used.system) / n
}

const rounds = 8
for (const [name, shape] of Object.entries(shapes)) {
  const on: number[] = []
  const off: number[] = []
  // Warm-up: JIT and caches, not measured.
  await block(withoutLog, shape, 300, 10_000_000)
  await block(withLog, shape, 300, 20_000_000)
  flushCpu = 0
  for (let r = 0; r < rounds; r++) {
    off.push(await block(withoutLog, shape, requests / 2 / rounds, r * requests))
    on.push(await block(withLog, shape, requests / 2 / rounds, r * requests + requests / 2))
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0
  const a = median(off)
  const b = median(on)
  process.stdout.write(`${name}: CPU per request, log off ${a.toFixed(0)} µs, log on ${b.toFixed(0)} µs (+${((b / a - 1) * 100).toFixed(1)} %)` +
    `; of which batch writes ${(flushCpu / (requests / 2)).toFixed(0)} µs` +
    ` rounds off [${off.map((x) => x.toFixed(0)).join(', ')}] on [${on.map((x) => x.toFixed(0)).join(', ')}]\n`)
}
await withLog.close()
await withoutLog.close()
await handle.close()
rmSync(dir, { recursive: true, force: true })
