import { sql, type AliasedRawBuilder, type RawBuilder, type SelectQueryBuilder } from 'kysely'
import type { DB } from '../db/schema.js'
import { CompiledShapes } from '../db/compiled-shapes.js'
import { filterToSql } from './filter-sql.js'
import { filterShape, withSentinels } from './filter-shape-sql.js'
import { usersFilterTarget } from './filter-targets-sql.js'
import type { GroupRef, JsonObject, ListQuery, UserRecord } from './records.js'
import { sortExpression } from './sort-sql.js'
import type { UserRow } from './tables.js'
import type { ReadOnlyUserExtension } from './user-extensions.js'
import type { Executor } from '../db/executor.js'

/**
 * What to read along with each user row, in the same statement (correlated subqueries; in
 * RETURNING for writes): the user's groups and the read-only extension blocks. One round trip
 * per request is what keeps `userName eq` lookups near a bare indexed select (bench/findings.md §1).
 */
export interface UserIncludes {
  groups?: boolean | undefined
  extensions?: readonly ReadOnlyUserExtension[] | undefined
}

type IncludedRow = UserRow & Record<string, unknown>

const GROUPS_COLUMN = 'included_groups'
const extensionColumn = (i: number): string => `included_extension_${i}`

/** The extra columns for `include`, correlated with the `users` row of the statement. */
function includedColumns (include: UserIncludes | undefined): Array<AliasedRawBuilder<unknown, string>> {
  const user = { tenantId: sql.ref<string>('users.tenant_id'), id: sql.ref<string>('users.id') }
  const columns: Array<AliasedRawBuilder<unknown, string>> = []
  // RFC 7643 §4.1.2 `groups`, ordered by name; the member index (tenant_id, member_id) serves it.
  if (include?.groups) {
    columns.push(sql`coalesce((select json_agg(json_build_object('id', g.id, 'displayName', g.display_name) order by g.display_name, g.id)
      from group_members gm join groups g on g.tenant_id = gm.tenant_id and g.id = gm.group_id
      where gm.tenant_id = ${user.tenantId} and gm.member_id = ${user.id}), '[]'::json)`.as(GROUPS_COLUMN))
  }
  include?.extensions?.forEach((extension, i) => columns.push(extension.source(user).as(extensionColumn(i))))
  return columns
}

function toRecord (row: IncludedRow, include?: UserIncludes): UserRecord {
  const record = baseRecord(row)
  if (include?.groups) record.groups = row[GROUPS_COLUMN] as GroupRef[]
  if (include?.extensions) {
    record.extensionBlocks = {}
    include.extensions.forEach((extension, i) => {
      const block = extension.toBlock(row[extensionColumn(i)])
      if (block !== undefined && record.extensionBlocks) record.extensionBlocks[extension.schema.id] = block
    })
  }
  return record
}

function baseRecord (row: UserRow): UserRecord {
  return {
    id: row.id,
    userName: row.user_name,
    externalId: row.external_id,
    active: row.active,
    displayName: row.display_name,
    data: row.data,
    version: row.version,
    createdAt: row.created_at,
    updatedAt: row.updated_at
  }
}

/** The promoted columns, always derived from the body so the two never disagree. */
function columns (data: JsonObject): {
  user_name: string, external_id: string | null, active: boolean, display_name: string | null, data: string
} {
  return {
    user_name: String(data.userName),
    external_id: typeof data.externalId === 'string' ? data.externalId : null,
    active: data.active !== false,
    display_name: typeof data.displayName === 'string' ? data.displayName : null,
    data: JSON.stringify(data)
  }
}

/** One user of the tenant; `forUpdate` locks the row until the transaction ends. */
export async function findUser (
  db: Executor, tenantId: string, id: string, options: { forUpdate?: boolean, include?: UserIncludes } = {}
): Promise<UserRecord | undefined> {
  let query = db.selectFrom('users').selectAll('users').select(includedColumns(options.include)).where('tenant_id', '=', tenantId).where('id', '=', id)
  if (options.forUpdate) query = query.forUpdate()
  const row = await query.executeTakeFirst() as IncludedRow | undefined
  return row ? toRecord(row, options.include) : undefined
}

/**
 * Inserts a user. `alsoRun`, when given, is a statement run with the insert as a data-modifying
 * WITH clause (access-change-sink.ts `insertedUserStatement`): it sees the new row's
 * `(tenant_id, user_id)`, and both are written, or neither, by the one statement.
 */
export async function insertUser (
  db: Executor, tenantId: string, data: JsonObject, include?: UserIncludes,
  alsoRun?: (inserted: RawBuilder<unknown>) => RawBuilder<unknown>
): Promise<UserRecord> {
  const insert = db.insertInto('users').values({ tenant_id: tenantId, ...columns(data) })
    .returningAll().returning(includedColumns(include))
  if (alsoRun === undefined) return toRecord(await insert.executeTakeFirstOrThrow() as IncludedRow, include)
  const also = alsoRun(sql`select tenant_id, id as user_id from inserted`)
  const result = await sql<IncludedRow>`with inserted as (${insert}), also as (${also}) select * from inserted`.execute(db)
  const row = result.rows[0]
  if (row === undefined) throw new Error('insert returned no row')
  return toRecord(row, include)
}

/** Replaces the body and bumps the version (meta.version, RFC 7644 §3.14). */
export async function updateUser (
  db: Executor, tenantId: string, id: string, data: JsonObject, include?: UserIncludes
): Promise<UserRecord> {
  const row = await db.updateTable('users')
    .set({ ...columns(data), version: sql`version + 1`, updated_at: sql`now()` })
    .where('tenant_id', '=', tenantId).where('id', '=', id)
    .returningAll().returning(includedColumns(include)).executeTakeFirstOrThrow() as IncludedRow
  return toRecord(row, include)
}

/** Deletes the user; its memberships go with it (foreign key cascade). */
export async function deleteUser (db: Executor, tenantId: string, id: string): Promise<boolean> {
  const result = await db.deleteFrom('users').where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst()
  return result.numDeletedRows > 0n
}

/**
 * A page of users matching the filter, in a stable order (sort key, then creation, then id).
 * Past the first page the offset runs in a subquery that reads index entries only (a deferred
 * join), so the skipped rows are never fetched and their includes never computed
 * (bench/findings.md §3); SCIM pages by startIndex, so keyset paging is not an option.
 */
export async function listUsers (
  db: Executor, tenantId: string, query: ListQuery, include?: UserIncludes
): Promise<UserRecord[]> {
  const cached = listUsersStatement(db, tenantId, query, include)
  const rows = cached === undefined
    ? await listUsersQuery(db, tenantId, query, include).execute() as IncludedRow[]
    : (await db.executeQuery<IncludedRow>(cached)).rows
  return rows.map((row) => toRecord(row, include))
}

/**
 * The list statements by shape (src/db/compiled-shapes.ts): every IdP sends the same few
 * (`userName eq "…"` before each create, a page of everyone), and building and compiling one
 * with kysely cost more server time than PostgreSQL took to answer it (bench/findings.md).
 */
const listShapes = new CompiledShapes()

/** `listUsers`'s statement from the shape cache; `undefined` when the shape is not cacheable. */
export function listUsersStatement (
  db: Executor, tenantId: string, query: ListQuery, include: UserIncludes | undefined
) {
  const values: unknown[] = [tenantId]
  const filter = query.filter === undefined ? '' : filterShape(query.filter, values)
  values.push(query.limit)
  if (query.offset !== 0) values.push(query.offset)
  const sort = query.sort === undefined ? '' : `${JSON.stringify(query.sort.attr)}:${query.sort.descending}`
  const includes = `${include?.groups === true}:${(include?.extensions ?? []).map((e) => e.schema.id).join(',')}`
  const key = `${filter}|${sort}|${query.offset === 0}|${includes}`
  return listShapes.statement(key, values, (s) => {
    const tenant = s.uuid()
    const shaped: ListQuery = {
      filter: query.filter === undefined ? undefined : withSentinels(query.filter, s),
      sort: query.sort,
      limit: s.number(),
      offset: query.offset === 0 ? 0 : s.number()
    }
    return listUsersQuery(db, tenant, shaped, include).compile()
  })
}

/** The statement `listUsers` sends (bench/ explains it as issued). */
export function listUsersQuery (db: Executor, tenantId: string, query: ListQuery, include?: UserIncludes) {
  const ordered = <Q extends SelectQueryBuilder<DB, 'users', object>>(select: Q): Q => {
    let out = select
    if (query.sort) {
      const direction = query.sort.descending ? sql`desc nulls first` : sql`asc nulls last`
      out = out.orderBy(sql`${sortExpression(usersFilterTarget, query.sort.attr)} ${direction}`) as Q
    }
    return out.orderBy('users.created_at').orderBy('users.id') as Q
  }
  let matching = db.selectFrom('users').where('users.tenant_id', '=', tenantId)
  if (query.filter) matching = matching.where(filterToSql(query.filter, usersFilterTarget) as never)
  const columns = includedColumns(include)
  return query.offset === 0
    ? ordered(matching.selectAll('users').select(columns)).limit(query.limit)
    : ordered(db.selectFrom('users').selectAll('users').select(columns).where('users.tenant_id', '=', tenantId)
      .where('users.id', 'in', ordered(matching.select('users.id')).offset(query.offset).limit(query.limit)))
}

export async function countUsers (db: Executor, tenantId: string, filter: ListQuery['filter']): Promise<number> {
  const row = await countUsersQuery(db, tenantId, filter).executeTakeFirstOrThrow()
  return Number(row.n)
}

/** The statement `countUsers` sends. */
export function countUsersQuery (db: Executor, tenantId: string, filter: ListQuery['filter']) {
  let select = db.selectFrom('users').select((eb) => eb.fn.countAll<number>().as('n')).where('tenant_id', '=', tenantId)
  if (filter) select = select.where(filterToSql(filter, usersFilterTarget) as never)
  return select
}

/** The direct groups of each user (the readOnly `groups` attribute, RFC 7643 §4.1.2). */
export async function groupsOfUsers (
  db: Executor, tenantId: string, userIds: string[]
): Promise<Map<string, GroupRef[]>> {
  const out = new Map<string, GroupRef[]>(userIds.map((id) => [id, []]))
  if (userIds.length === 0) return out
  const rows = await db.selectFrom('group_members as gm')
    .innerJoin('groups as g', (join) => join.onRef('g.tenant_id', '=', 'gm.tenant_id').onRef('g.id', '=', 'gm.group_id'))
    .select(['gm.member_id', 'g.id', 'g.display_name'])
    .where('gm.tenant_id', '=', tenantId).where(sql<boolean>`gm.member_id = any(${userIds}::uuid[])`)
    .orderBy('g.display_name').orderBy('g.id')
    .execute()
  for (const row of rows) out.get(row.member_id)?.push({ id: row.id, displayName: row.display_name })
  return out
}

/** Which of `ids` are users of the tenant (member references must point at real users). */
export async function existingUserIds (db: Executor, tenantId: string, ids: string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set()
  const rows = await db.selectFrom('users').select('id')
    .where('tenant_id', '=', tenantId).where(sql<boolean>`id = any(${ids}::uuid[])`).execute()
  return new Set(rows.map((r) => r.id))
}

/** A user's id, userName and active flag, without the body. */
export async function findUserSummary (
  db: Executor, tenantId: string, id: string
): Promise<{ id: string, user_name: string, active: boolean } | undefined> {
  return await db.selectFrom('users').select(['id', 'user_name', 'active'])
    .where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst()
}

/** The rows of these users (those that exist), with their stored bodies. */
export async function findUserRows (db: Executor, tenantId: string, ids: readonly string[]) {
  return await db.selectFrom('users').select(['id', 'user_name', 'active', 'data'])
    .where('tenant_id', '=', tenantId).where(sql<boolean>`id = any(${[...ids]}::uuid[])`).execute()
}

/** Every user of the tenant with its body, oldest first. */
export async function listUserRows (db: Executor, tenantId: string) {
  return await db.selectFrom('users').select(['id', 'user_name', 'active', 'data'])
    .where('tenant_id', '=', tenantId).orderBy('created_at').orderBy('id').execute()
}

/** Up to `limit` user ids in id order, after `afterId` when given (keyset paging). */
export async function pageUserIds (db: Executor, tenantId: string, limit: number, afterId?: string): Promise<string[]> {
  let query = db.selectFrom('users').select('id').where('tenant_id', '=', tenantId).orderBy('id').limit(limit)
  if (afterId !== undefined) query = query.where(sql<boolean>`id > ${afterId}::uuid`)
  return (await query.execute()).map((r) => r.id)
}

/**
 * SCIM users having one of these addresses (any of their emails, or an email-like userName),
 * lowercased, the oldest user first for each address.
 */
export async function userIdsByEmail (
  db: Executor, tenantId: string, emails: readonly string[]
): Promise<Map<string, string>> {
  if (emails.length === 0) return new Map()
  const wanted = [...new Set(emails.map((e) => e.toLowerCase()))]
  const result = await sql<{ id: string, email: string }>`
    select u.id, m.email
    from users u
    cross join lateral (
      select lower(x->>'value') as email
      from jsonb_array_elements(
        case when jsonb_typeof(u.data->'emails') = 'array' then u.data->'emails' else '[]'::jsonb end) x
      union select lower(u.user_name)
    ) m
    where u.tenant_id = ${tenantId}::uuid and m.email = any(${wanted}::text[])
    order by u.created_at, u.id`.execute(db)
  const byEmail = new Map<string, string>()
  for (const row of result.rows) if (!byEmail.has(row.email)) byEmail.set(row.email, row.id)
  return byEmail
}

/** `(tenant_id, user_id)` of every user of the tenant, as a subquery (the queue's bulk enqueue). */
export function tenantUserIdsSql (tenantId: string): RawBuilder<unknown> {
  return sql`select tenant_id, id as user_id from users where tenant_id = ${tenantId}::uuid`
}
