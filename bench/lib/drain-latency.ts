import { spawn, type ChildProcess } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { sql } from 'kysely'
import { openDatabase } from '../../src/db/database.js'
import { migrateToLatest } from '../../src/db/migrate.js'
import { bootstrapDefaultTenant } from '../../src/tenants/bootstrap.js'

/**
 * The embedded database under a big fan-out: the service as `npm start` runs it (src/main.ts,
 * PGlite, API and worker in one process, a tenant in dry run so no Meta is needed), one SCIM
 * PATCH adding `members` users to a group, then `/healthz` and a SCIM read probed one at a time
 * while the reconcile jobs that PATCH enqueued drain. The probes run in this process, the
 * service in a child, so the numbers are what a load balancer and an IdP would see.
 */
export interface DrainLatencyOptions {
  members: number
  timeoutSeconds: number
  logLevel: string
  /** Pause between probes of one kind. */
  probeIntervalMs?: number
  /** V8 CPU profile of the service into this folder. */
  cpuProfileDir?: string | undefined
  /** Extra environment for the service (e.g. worker settings). */
  env?: Record<string, string>
  /** Another checkout's root to run the service from (a before/after comparison). */
  serviceRoot?: string | undefined
}

export interface LatencySummary { count: number, p50: number, p99: number, max: number, non2xx: number, shed503: number }

export interface DrainLatencyResult {
  members: number
  patchMs: number
  patchStatus: number
  drainSeconds: number
  drained: boolean
  health: LatencySummary
  read: LatencySummary
  /** The same probes for a few seconds before the PATCH, the service idle: the machine's floor. */
  idleHealth: LatencySummary
  idleRead: LatencySummary
}

const root = fileURLToPath(new URL('../../', import.meta.url))
const SCIM_TOKEN = 'bench-drain-scim-token-0123456789'
const ADMIN_TOKEN = 'bench-drain-admin-token-0123456789'

async function freePort (): Promise<number> {
  return await new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      const port = typeof address === 'object' && address ? address.port : 0
      server.close(() => { resolve(port) })
    })
  })
}

/** A PGlite directory with the default tenant, `members` users and one empty group. */
async function seedEmbedded (dataDir: string, members: number): Promise<{ tenantId: string, groupId: string, userIds: string[] }> {
  const handle = await openDatabase({ dataDir })
  try {
    await migrateToLatest(handle.db)
    const boot = await bootstrapDefaultTenant(handle.db, SCIM_TOKEN)
    if (boot === undefined) throw new Error('no default tenant')
    const tenantId = boot.tenantId
    const users = await sql<{ id: string }>`
      insert into users (tenant_id, user_name, external_id, active, display_name, data)
      select ${tenantId}::uuid, 'drain' || i || '@bench.example', 'drain-' || i, true, 'Drain ' || i,
        jsonb_build_object('userName', 'drain' || i || '@bench.example', 'active', true, 'displayName', 'Drain ' || i)
      from generate_series(1, ${members}::int) as i
      returning id`.execute(handle.db)
    const group = await sql<{ id: string }>`
      insert into groups (tenant_id, display_name, data)
      values (${tenantId}::uuid, 'Drain group', jsonb_build_object('displayName', 'Drain group'))
      returning id`.execute(handle.db)
    const groupId = group.rows[0]?.id
    if (groupId === undefined) throw new Error('group not created')
    return { tenantId, groupId, userIds: users.rows.map((r) => r.id) }
  } finally {
    await handle.close()
  }
}

function summarize (samples: Array<{ ms: number, status: number }>): LatencySummary {
  const sorted = samples.map((s) => s.ms).sort((a, b) => a - b)
  const at = (q: number): number => sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? 0
  return {
    count: samples.length,
    p50: at(0.5),
    p99: at(0.99),
    max: sorted.at(-1) ?? 0,
    non2xx: samples.filter((s) => s.status < 200 || s.status >= 300).length,
    shed503: samples.filter((s) => s.status === 503).length
  }
}

async function timed (url: string, init: RequestInit): Promise<{ ms: number, status: number, body: string }> {
  const started = performance.now()
  try {
    const response = await fetch(url, init)
    const body = await response.text()
    return { ms: performance.now() - started, status: response.status, body }
  } catch {
    return { ms: performance.now() - started, status: 0, body: '' }
  }
}

const sleep = async (ms: number): Promise<void> => { await new Promise((resolve) => setTimeout(resolve, ms)) }

async function waitHealthy (base: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs
  while (performance.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`service exited with ${child.exitCode}`)
    if ((await timed(`${base}/healthz`, {})).status === 200) return
    await sleep(100)
  }
  throw new Error('service did not become healthy')
}

export async function runDrainLatency (options: DrainLatencyOptions): Promise<DrainLatencyResult> {
  const dir = mkdtempSync(join(tmpdir(), 'scim-bench-drain-'))
  let child: ChildProcess | undefined
  try {
    const seeded = await seedEmbedded(dir, options.members)
    const port = await freePort()
    const base = `http://127.0.0.1:${port}`
    const execArgv = ['--import', 'tsx']
    if (options.cpuProfileDir !== undefined) {
      mkdirSync(options.cpuProfileDir, { recursive: true })
      execArgv.push('--cpu-prof', `--cpu-prof-dir=${options.cpuProfileDir}`)
    }
    const serviceRoot = options.serviceRoot ?? root
    child = spawn(process.execPath, [...execArgv, join(serviceRoot, 'src/main.ts')], {
      cwd: serviceRoot,
      stdio: ['ignore', 'ignore', 'inherit'],
      env: {
        ...process.env,
        ...options.env,
        PORT: String(port),
        HOST: '127.0.0.1',
        DATA_DIR: dir,
        DATABASE_URL: '',
        SCIM_BEARER_TOKEN: SCIM_TOKEN,
        ADMIN_TOKEN,
        LOG_LEVEL: options.logLevel
      }
    })
    await waitHealthy(base, child, 60_000)
    const scim = { authorization: `Bearer ${SCIM_TOKEN}`, 'content-type': 'application/scim+json' }
    const admin = { authorization: `Bearer ${ADMIN_TOKEN}` }
    const patchBody = JSON.stringify({
      schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
      Operations: [{ op: 'add', path: 'members', value: seeded.userIds.map((value) => ({ value })) }]
    })
    const interval = options.probeIntervalMs ?? 50
    let n = 0
    const readUrl = (): string => `${base}/scim/v2/Users?filter=${encodeURIComponent(`userName eq "drain${(n++ % options.members) + 1}@bench.example"`)}`
    const probeFor = async (into: Array<{ ms: number, status: number }>, url: () => string, headers: Record<string, string>, state: { done: boolean }): Promise<void> => {
      while (!state.done) {
        const r = await timed(url(), { headers })
        into.push({ ms: r.ms, status: r.status })
        await sleep(interval)
      }
    }
    const idleHealth: Array<{ ms: number, status: number }> = []
    const idleRead: Array<{ ms: number, status: number }> = []
    const idle = { done: false }
    const idleProbes = [probeFor(idleHealth, () => `${base}/healthz`, {}, idle), probeFor(idleRead, readUrl, scim, idle)]
    await sleep(5_000)
    idle.done = true
    await Promise.all(idleProbes)
    const patch = await timed(`${base}/scim/v2/Groups/${seeded.groupId}`, { method: 'PATCH', headers: scim, body: patchBody })

    const health: Array<{ ms: number, status: number }> = []
    const read: Array<{ ms: number, status: number }> = []
    const state = { done: false }
    const probes = [probeFor(health, () => `${base}/healthz`, {}, state), probeFor(read, readUrl, scim, state)]
    const t0 = performance.now()
    const deadline = t0 + options.timeoutSeconds * 1000
    let drained = false
    while (performance.now() < deadline) {
      await sleep(1000)
      const status = await timed(`${base}/admin/v1/tenants/${seeded.tenantId}/queue`, { headers: admin })
      if (status.status !== 200) continue
      const depth = (JSON.parse(status.body) as { depth?: number }).depth
      if (depth === 0) { drained = true; break }
    }
    const drainSeconds = (performance.now() - t0) / 1000
    state.done = true
    await Promise.all(probes)
    return {
      members: options.members,
      patchMs: patch.ms,
      patchStatus: patch.status,
      drainSeconds,
      drained,
      health: summarize(health),
      read: summarize(read),
      idleHealth: summarize(idleHealth),
      idleRead: summarize(idleRead)
    }
  } finally {
    if (child !== undefined && child.exitCode === null) {
      const exited = new Promise((resolve) => child?.once('exit', resolve))
      child.kill('SIGTERM')
      await Promise.race([exited, sleep(15_000)])
      if (child.exitCode === null) child.kill('SIGKILL')
    }
    rmSync(dir, { recursive: true, force: true })
  }
}
