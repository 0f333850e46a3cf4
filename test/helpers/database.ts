import { createHash, randomBytes } from 'node:crypto'
import { accessSync, constants, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import pg from 'pg'
import { openDatabase, type DatabaseHandle } from '../../src/db/database.js'
import { processAlive } from '../../src/db/data-dir-lock.js'
import { migrateToLatest } from '../../src/db/migrate.js'

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '../..')
const migrationsDir = join(repoRoot, 'migrations')

/** Where the server suite points its tests (CI sets it); unset means the embedded PGlite. */
export const testDatabaseUrl = process.env.TEST_DATABASE_URL || undefined

interface Teardown { teardown: (fn: () => unknown) => void }

/**
 * Where PGlite copies live: tmpfs where the machine has one. A test database is a 40 MB
 * directory; copying and deleting it on a disk costs more CPU than most tests that use it.
 * TEST_SCRATCH_DIR overrides.
 */
export const scratchDir = process.env.TEST_SCRATCH_DIR || (writableDir('/dev/shm') ? '/dev/shm' : tmpdir())

function writableDir (path: string): boolean {
  try {
    accessSync(path, constants.W_OK)
    return statSync(path).isDirectory()
  } catch {
    return false
  }
}

/** Names the schema a fresh database gets: the migrations and the pg-boss version that installs its own. */
function schemaHash (): string {
  const hash = createHash('sha256')
  for (const file of readdirSync(migrationsDir).sort()) hash.update(file).update(readFileSync(join(migrationsDir, file)))
  try {
    hash.update(JSON.parse(readFileSync(join(repoRoot, 'node_modules/pg-boss/package.json'), 'utf8')).version as string)
  } catch { /* no pg-boss: nothing to pre-install */ }
  return hash.digest('hex').slice(0, 16)
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/**
 * pg-boss's own schema, as a first start installs it, so each test's `boss.start()` finds it
 * in place (on the embedded database that install costs more than copying the directory).
 * Only a shortcut: should it fail, every test installs the schema itself as before.
 */
async function preinstallQueueSchema (handle: DatabaseHandle): Promise<void> {
  try {
    const { createBoss } = await import('../../src/provisioning/jobs/queue.js')
    const boss = createBoss({ pool: handle.pool, engine: handle.engine, supervise: false })
    boss.on('error', () => {})
    await boss.start()
    await boss.stop({ graceful: false, close: false })
  } catch { /* left to the tests */ }
}

/** A dead process's copies (a test killed on timeout never runs its teardown). */
function sweepAbandonedCopies (): void {
  for (const name of readdirSync(scratchDir)) {
    const pid = /^scim-meta-bridge-test-(\d+)-/.exec(name)?.[1]
    if (pid === undefined || processAlive(Number(pid))) continue
    rmSync(join(scratchDir, name), { recursive: true, force: true })
  }
}

/** Templates of other schemas nobody built for a day (tmpfs is memory). */
function sweepOldTemplates (current: string): void {
  const dayAgo = Date.now() - 86_400_000
  for (const name of readdirSync(scratchDir)) {
    const path = join(scratchDir, name)
    if (!name.startsWith('scim-meta-bridge-template-') || path === current) continue
    try {
      if (statSync(path).mtimeMs < dayAgo) rmSync(path, { recursive: true, force: true })
    } catch { /* gone meanwhile */ }
  }
}

/**
 * A migrated PGlite data directory, built once per schema and shared by every test process
 * (creating PGlite from nothing takes seconds, copying a directory milliseconds).
 */
let templateReady: Promise<string> | undefined
async function pgliteTemplate (): Promise<string> {
  templateReady ??= buildPgliteTemplate()
  return await templateReady
}

async function buildPgliteTemplate (): Promise<string> {
  sweepAbandonedCopies()
  const template = join(scratchDir, `scim-meta-bridge-template-${schemaHash()}`)
  const lock = `${template}.lock`
  for (;;) {
    if (existsSync(join(template, 'ready'))) return template
    sweepOldTemplates(template)
    try {
      mkdirSync(lock)
    } catch {
      await sleep(200)
      continue
    }
    try {
      const building = `${template}.building-${process.pid}`
      rmSync(building, { recursive: true, force: true })
      const handle = await openDatabase({ dataDir: building })
      await migrateToLatest(handle.db)
      await preinstallQueueSchema(handle)
      await handle.close()
      mkdirSync(join(building, 'ready'))
      rmSync(template, { recursive: true, force: true })
      renameSync(building, template)
      return template
    } finally {
      rmSync(lock, { recursive: true, force: true })
    }
  }
}

async function copyTemplate (): Promise<string> {
  const template = await pgliteTemplate()
  const dataDir = mkdtempSync(join(scratchDir, `scim-meta-bridge-test-${process.pid}-`))
  cpSync(template, dataDir, { recursive: true, filter: (src) => !src.endsWith('ready') })
  return dataDir
}

/**
 * A copy of the migrated template as a data directory of its own (not opened), removed when
 * the test ends: for tests that open it themselves.
 */
export async function pgliteDataDir (t: Teardown): Promise<string> {
  const dataDir = await copyTemplate()
  t.teardown(() => rmSync(dataDir, { recursive: true, force: true }))
  return dataDir
}

/** A fresh, migrated database for one test: a PGlite copy, or a new database on the server. */
export async function createTestDatabase (t: Teardown): Promise<DatabaseHandle & { url?: string, dataDir?: string }> {
  if (testDatabaseUrl) {
    const url = await createServerDatabase(t, { template: await serverTemplate() })
    const handle = await openDatabase({ databaseUrl: url, dataDir: '' })
    await migrateToLatest(handle.db)
    t.teardown(() => handle.close())
    return { ...handle, url }
  }
  const dataDir = await copyTemplate()
  const handle = await openDatabase({ dataDir })
  t.teardown(async () => {
    await handle.close()
    rmSync(dataDir, { recursive: true, force: true })
  })
  await migrateToLatest(handle.db)
  return { ...handle, dataDir }
}

const adminQuery = async (text: string): Promise<void> => {
  const admin = new pg.Client({ connectionString: testDatabaseUrl })
  await admin.connect()
  try {
    await admin.query(text)
  } finally {
    await admin.end()
  }
}

/**
 * The server-side template: a database migrated (and pg-boss installed) once per schema, that
 * each test's database is cloned from (`create database … template`), instead of running every
 * migration again for every test. Named after the database TEST_DATABASE_URL names, so CI drops
 * it with that one.
 */
let serverTemplateReady: Promise<string> | undefined
async function serverTemplate (): Promise<string> {
  serverTemplateReady ??= buildServerTemplate()
  return await serverTemplateReady
}

async function buildServerTemplate (): Promise<string> {
  const base = new URL(testDatabaseUrl!).pathname.slice(1).toLowerCase().replace(/[^a-z0-9_]/g, '_').slice(0, 30)
  const name = `${base}_tpl_${schemaHash()}`
  const admin = new pg.Client({ connectionString: testDatabaseUrl })
  await admin.connect()
  try {
    // Every test process asks at once; one builds, the others wait for it.
    await admin.query('select pg_advisory_lock(hashtext($1))', [name])
    const exists = await admin.query('select 1 from pg_database where datname = $1', [name])
    if (exists.rowCount === 0) {
      const building = `${name}_b`
      await admin.query(`drop database if exists ${building} with (force)`)
      await admin.query(`create database ${building}`)
      const url = new URL(testDatabaseUrl!)
      url.pathname = `/${building}`
      const handle = await openDatabase({ databaseUrl: url.toString(), dataDir: '' })
      try {
        await migrateToLatest(handle.db)
        await preinstallQueueSchema(handle)
      } finally {
        await handle.close()
      }
      // A clone needs its template without sessions; the rename makes it visible only when done.
      await admin.query(`alter database ${building} rename to ${name}`)
    }
  } finally {
    await admin.end()
  }
  return name
}

/** An empty database on the test server (or a clone of `template`), dropped when the test ends; its URL. */
export async function createServerDatabase (t: Teardown, options: { template?: string } = {}): Promise<string> {
  if (!testDatabaseUrl) throw new Error('TEST_DATABASE_URL is not set')
  const name = `smb_test_${randomBytes(6).toString('hex')}`
  await adminQuery(`create database ${name}${options.template === undefined ? '' : ` template ${options.template}`}`)
  t.teardown(async () => { await adminQuery(`drop database if exists ${name} with (force)`) })
  const url = new URL(testDatabaseUrl)
  url.pathname = `/${name}`
  return url.toString()
}
