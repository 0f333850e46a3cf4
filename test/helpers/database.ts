import { createHash, randomBytes } from 'node:crypto'
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import pg from 'pg'
import { openDatabase, type DatabaseHandle } from '../../src/db/database.js'
import { migrateToLatest } from '../../src/db/migrate.js'

const migrationsDir = join(dirname(fileURLToPath(import.meta.url)), '../../migrations')

/** Where the server suite points its tests (CI sets it); unset means the embedded PGlite. */
export const testDatabaseUrl = process.env.TEST_DATABASE_URL || undefined

interface Teardown { teardown: (fn: () => unknown) => void }

function migrationsHash (): string {
  const hash = createHash('sha256')
  for (const file of readdirSync(migrationsDir).sort()) hash.update(file).update(readFileSync(join(migrationsDir, file)))
  return hash.digest('hex').slice(0, 16)
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/**
 * A migrated PGlite data directory, built once per set of migrations and shared by every test
 * process (creating PGlite from nothing takes seconds, copying a directory milliseconds).
 */
async function pgliteTemplate (): Promise<string> {
  const template = join(tmpdir(), `scim-meta-bridge-template-${migrationsHash()}`)
  const lock = `${template}.lock`
  for (;;) {
    if (existsSync(join(template, 'ready'))) return template
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

/** A fresh, migrated database for one test: a PGlite copy, or a new database on the server. */
export async function createTestDatabase (t: Teardown): Promise<DatabaseHandle & { url?: string, dataDir?: string }> {
  if (testDatabaseUrl) {
    const url = await createServerDatabase(t)
    const handle = await openDatabase({ databaseUrl: url, dataDir: '' })
    await migrateToLatest(handle.db)
    t.teardown(() => handle.close())
    return { ...handle, url }
  }
  const dataDir = mkdtempSync(join(tmpdir(), 'scim-meta-bridge-test-'))
  cpSync(await pgliteTemplate(), dataDir, { recursive: true, filter: (src) => !src.endsWith('ready') })
  const handle = await openDatabase({ dataDir })
  await migrateToLatest(handle.db)
  t.teardown(async () => {
    await handle.close()
    rmSync(dataDir, { recursive: true, force: true })
  })
  return { ...handle, dataDir }
}

/** An empty database on the test server, dropped when the test ends; its URL. */
export async function createServerDatabase (t: Teardown): Promise<string> {
  if (!testDatabaseUrl) throw new Error('TEST_DATABASE_URL is not set')
  const name = `smb_test_${randomBytes(6).toString('hex')}`
  const admin = new pg.Client({ connectionString: testDatabaseUrl })
  await admin.connect()
  await admin.query(`create database ${name}`)
  await admin.end()
  t.teardown(async () => {
    const client = new pg.Client({ connectionString: testDatabaseUrl })
    await client.connect()
    await client.query(`drop database if exists ${name} with (force)`)
    await client.end()
  })
  const url = new URL(testDatabaseUrl)
  url.pathname = `/${name}`
  return url.toString()
}
