import { createHash, randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { sql, type Kysely } from 'kysely'
import pg from 'pg'
import { openDatabase } from '../../src/db/database.js'
import { migrateToLatest } from '../../src/db/migrate.js'
import type { DB } from '../../src/db/schema.js'
import { insertTenant } from '../../src/tenants/tenants-repository.js'
import { TokenService } from '../../src/tenants/token-service.js'
import { countUsersQuery, listUsersQuery } from '../../src/directory/users-repository.js'
import { metaStateExtension } from '../../src/provisioning/records/scim-extension.js'
import { parseFilter } from '../../src/scim/filter/parse.js'
import { userResourceType } from '../../src/scim/schemas/resource-types.js'
import type { Engine } from './args.js'

/** Where a benchmark database lives: a fresh PostgreSQL database or a fresh PGlite directory. */
export interface DatabaseLocation {
  engine: Engine
  databaseUrl?: string | undefined
  dataDir: string
  dispose: () => Promise<void>
}

/** The shape of the seeded tenant (bench/README.md "Data set"). */
export interface Dataset {
  users: number
  groups: number
  bigGroupMembers: number
  smallGroupMembers: number
  otherGroupMembers: number
  tenantId: string
  token: string
  bigGroupId: string
  smallGroupId: string
  /** A second, empty tenant for the Okta-style import. */
  importTenantId: string
  importToken: string
  seedSeconds: number
  explain: ExplainReport[]
  serverVersion: string
}

export interface ExplainReport { title: string, sql: string, plan: string, ms: number }

/** The deterministic id of seeded user i (1-based): md5 of a label read as a uuid, as the seed SQL does. */
export function seededUuid (label: string): string {
  const h = createHash('md5').update(label).digest('hex')
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`
}
export const userId = (i: number): string => seededUuid(`bench-user-${i}`)
export const userName = (i: number): string => `user${i}@bench.example`
export const groupId = (g: number): string => seededUuid(`bench-group-${g}`)

export async function createLocation (engine: Engine, adminUrl: string): Promise<DatabaseLocation> {
  if (engine === 'pglite') {
    const dir = mkdtempSync(join(tmpdir(), 'scim-bench-pglite-'))
    return { engine, dataDir: dir, dispose: async () => { rmSync(dir, { recursive: true, force: true }) } }
  }
  const name = `scim_bench_${process.pid}_${randomBytes(3).toString('hex')}`
  const admin = new pg.Client({ connectionString: adminUrl })
  await admin.connect()
  await admin.query(`create database ${name}`)
  await admin.end()
  const url = new URL(adminUrl)
  url.pathname = `/${name}`
  return {
    engine,
    databaseUrl: url.toString(),
    dataDir: mkdtempSync(join(tmpdir(), 'scim-bench-unused-')),
    dispose: async () => {
      const c = new pg.Client({ connectionString: adminUrl })
      await c.connect()
      await c.query(`drop database if exists ${name} with (force)`)
      await c.end()
    }
  }
}

/**
 * Size of the big group: 50,000 members at 100,000 users (the shape); below that the
 * same half of the users, so the 10k data set keeps the ratio (5,000 members at 10,000 users).
 */
export function bigGroupSize (users: number): number {
  return Math.min(50_000, Math.floor(users / 2))
}

/** Members of each of the 1,998 ordinary groups: about half the users, in total, spread evenly. */
function otherGroupSize (users: number): number {
  return Math.max(1, Math.floor(users / 2 / 1998))
}

async function timed<T> (fn: () => Promise<T>): Promise<[T, number]> {
  const t0 = performance.now()
  const value = await fn()
  return [value, (performance.now() - t0) / 1000]
}

/**
 * Migrates, creates the tenants and tokens, and seeds users, groups and memberships with bulk
 * SQL (generate_series), then VACUUM ANALYZE, as autovacuum would after a bulk load.
 */
export async function seed (location: DatabaseLocation, users: number): Promise<Dataset> {
  const handle = await openDatabase({ databaseUrl: location.databaseUrl, dataDir: location.dataDir })
  try {
    const db = handle.db
    await migrateToLatest(db)
    const tenant = await insertTenant(db, 'bench')
    const importTenant = await insertTenant(db, 'bench-import')
    const tokens = new TokenService(db, 0)
    const token = (await tokens.create(tenant.id, 'bench')).token
    const importToken = (await tokens.create(importTenant.id, 'bench-import')).token
    const big = bigGroupSize(users)
    const small = 10
    const other = otherGroupSize(users)
    const [, seedSeconds] = await timed(async () => {
      await sql`
        insert into users (tenant_id, id, user_name, external_id, active, display_name, data, created_at, updated_at)
        select ${tenant.id}::uuid, md5('bench-user-' || i)::uuid, 'user' || i || '@bench.example', 'ext-' || i, true, 'User ' || i,
          jsonb_build_object(
            'userName', 'user' || i || '@bench.example', 'externalId', 'ext-' || i, 'active', true,
            'displayName', 'User ' || i,
            'name', jsonb_build_object('givenName', 'Given' || i, 'familyName', 'Family' || i, 'formatted', 'Given' || i || ' Family' || i),
            'emails', jsonb_build_array(jsonb_build_object('value', 'user' || i || '@bench.example', 'type', 'work', 'primary', true))),
          now() - (${users}::int - i) * interval '1 millisecond', now()
        from generate_series(1, ${users}::int) as i`.execute(db)
      await sql`
        insert into groups (tenant_id, id, display_name, external_id, data, created_at, updated_at)
        select ${tenant.id}::uuid, md5('bench-group-' || g)::uuid, 'Group ' || g, 'gext-' || g,
          jsonb_build_object('displayName', 'Group ' || g, 'externalId', 'gext-' || g),
          now() - (2000 - g) * interval '1 millisecond', now()
        from generate_series(1, 2000) as g`.execute(db)
      // Group 1: the big group (users 1..big); group 2: 10 members; groups 3..2000: `other` each.
      await sql`
        insert into group_members (tenant_id, group_id, member_id, display)
        select ${tenant.id}::uuid, md5('bench-group-1')::uuid, md5('bench-user-' || i)::uuid, 'User ' || i
        from generate_series(1, ${big}::int) as i`.execute(db)
      await sql`
        insert into group_members (tenant_id, group_id, member_id, display)
        select ${tenant.id}::uuid, md5('bench-group-2')::uuid, md5('bench-user-' || i)::uuid, 'User ' || i
        from generate_series(${big + 1}::int, ${big + small}::int) as i`.execute(db)
      await sql`
        insert into group_members (tenant_id, group_id, member_id, display)
        select distinct on (g, u) ${tenant.id}::uuid, md5('bench-group-' || g)::uuid, md5('bench-user-' || u)::uuid, 'User ' || u
        from generate_series(3, 2000) as g, generate_series(0, ${other - 1}::int) as j,
          lateral (select (((g - 3) * ${other}::int + j) % ${users}::int) + 1 as u) as m`.execute(db)
      // The floor's job table: a user row plus a job row in one transaction (bench/README.md).
      await sql`create table bench_jobs (
        id uuid primary key default gen_random_uuid(), name text not null, singleton_key text,
        data jsonb not null, created_on timestamptz not null default now())`.execute(db)
      await sql`create index bench_jobs_key on bench_jobs (name, singleton_key)`.execute(db)
      await sql`vacuum analyze`.execute(db)
    })
    const explain = await explainHotQueries(db, tenant.id, users, big)
    const version = await sql<{ version: string }>`select version()`.execute(db)
    return {
      users,
      groups: 2000,
      bigGroupMembers: big,
      smallGroupMembers: small,
      otherGroupMembers: other,
      tenantId: tenant.id,
      token,
      bigGroupId: groupId(1),
      smallGroupId: groupId(2),
      importTenantId: importTenant.id,
      importToken,
      seedSeconds,
      explain,
      serverVersion: version.rows[0]?.version ?? 'unknown'
    }
  } finally {
    await handle.close()
  }
}

/**
 * EXPLAIN ANALYZE of the statements behind the hot routes, compiled by the repositories
 * themselves (src/directory/users-repository.ts), so the appendix shows what is sent.
 */
async function explainHotQueries (db: Kysely<DB>, tenantId: string, users: number, big: number): Promise<ExplainReport[]> {
  const deep = Math.max(0, users - 1000)
  const name = userName(Math.ceil(users / 3))
  const member = userId(Math.ceil(big / 2))
  const include = { groups: true, extensions: [metaStateExtension] }
  const lookup = parseFilter(userResourceType, `userName eq "${name}"`)
  const queries: Array<{ title: string, compiled: { sql: string, parameters: readonly unknown[] } }> = [
    {
      title: 'userName eq: the page with groups and Meta state (one statement; a page that is not full needs no count)',
      compiled: listUsersQuery(db, tenantId, { filter: lookup, sort: undefined, offset: 0, limit: 100 }, include).compile()
    },
    {
      title: `deep page: startIndex ${deep + 1}, count 100 (offset over index entries, then the page with its includes)`,
      compiled: listUsersQuery(db, tenantId, { filter: undefined, sort: undefined, offset: deep, limit: 100 }, include).compile()
    },
    {
      title: 'deep page: the unfiltered count (a full page needs it)',
      compiled: countUsersQuery(db, tenantId, undefined).compile()
    },
    {
      title: 'big group: the rows `remove members[value eq "…"]` deletes (the primary key, src/directory/filter-targets.ts)',
      compiled: { sql: 'select gm.member_id from group_members as gm where gm.tenant_id = $1 and gm.group_id = $2 and gm.member_id = $3::uuid', parameters: [tenantId, groupId(1), member] }
    }
  ]
  const out: ExplainReport[] = []
  for (const q of queries) {
    // The same text the pool sends, with the parameters inlined for EXPLAIN.
    let text = q.compiled.sql
    q.compiled.parameters.forEach((p, i) => {
      text = text.replace(new RegExp(`\\$${i + 1}(?!\\d)`, 'g'), typeof p === 'number' ? String(p) : `'${String(p).replaceAll("'", "''")}'`)
    })
    const t0 = performance.now()
    const result = await sql.raw<{ 'QUERY PLAN': string }>(`explain (analyze, buffers) ${text}`).execute(db)
    out.push({ title: q.title, sql: q.compiled.sql, plan: result.rows.map((r) => r['QUERY PLAN']).join('\n'), ms: performance.now() - t0 })
  }
  return out
}

export function userIdRange (dataset: Dataset): { outsideGroupsFrom: number } {
  return { outsideGroupsFrom: dataset.bigGroupMembers + dataset.smallGroupMembers + 1 }
}
