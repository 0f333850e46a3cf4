import { sql } from 'kysely'
import { filterToSql } from './filter-sql.js'
import { usersFilterTarget } from './filter-targets.js'
import type { GroupRef, JsonObject, ListQuery, UserRecord } from './records.js'
import { sortExpression } from './sort-sql.js'
import type { UserRow } from './tables.js'
import type { Executor } from '../db/executor.js'

function toRecord (row: UserRow): UserRecord {
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
function columns (data: JsonObject): { user_name: string, external_id: string | null, active: boolean, display_name: string | null, data: string } {
  return {
    user_name: String(data.userName),
    external_id: typeof data.externalId === 'string' ? data.externalId : null,
    active: data.active !== false,
    display_name: typeof data.displayName === 'string' ? data.displayName : null,
    data: JSON.stringify(data)
  }
}

/** One user of the tenant; `forUpdate` locks the row until the transaction ends. */
export async function findUser (db: Executor, tenantId: string, id: string, options: { forUpdate?: boolean } = {}): Promise<UserRecord | undefined> {
  let query = db.selectFrom('users').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id)
  if (options.forUpdate) query = query.forUpdate()
  const row = await query.executeTakeFirst()
  return row ? toRecord(row) : undefined
}

export async function insertUser (db: Executor, tenantId: string, data: JsonObject): Promise<UserRecord> {
  const row = await db.insertInto('users').values({ tenant_id: tenantId, ...columns(data) }).returningAll().executeTakeFirstOrThrow()
  return toRecord(row)
}

/** Replaces the body and bumps the version (meta.version, RFC 7644 §3.14). */
export async function updateUser (db: Executor, tenantId: string, id: string, data: JsonObject): Promise<UserRecord> {
  const row = await db.updateTable('users')
    .set({ ...columns(data), version: sql`version + 1`, updated_at: sql`now()` })
    .where('tenant_id', '=', tenantId).where('id', '=', id)
    .returningAll().executeTakeFirstOrThrow()
  return toRecord(row)
}

/** Deletes the user; its memberships go with it (foreign key cascade). */
export async function deleteUser (db: Executor, tenantId: string, id: string): Promise<boolean> {
  const result = await db.deleteFrom('users').where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst()
  return result.numDeletedRows > 0n
}

/** A page of users matching the filter, in a stable order (sort key, then creation, then id). */
export async function listUsers (db: Executor, tenantId: string, query: ListQuery): Promise<UserRecord[]> {
  let select = db.selectFrom('users').selectAll().where('tenant_id', '=', tenantId)
  if (query.filter) select = select.where(filterToSql(query.filter, usersFilterTarget) as never)
  if (query.sort) {
    const direction = query.sort.descending ? sql`desc nulls first` : sql`asc nulls last`
    select = select.orderBy(sql`${sortExpression(usersFilterTarget, query.sort.attr)} ${direction}`)
  }
  const rows = await select.orderBy('created_at').orderBy('id').offset(query.offset).limit(query.limit).execute()
  return rows.map(toRecord)
}

export async function countUsers (db: Executor, tenantId: string, filter: ListQuery['filter']): Promise<number> {
  let select = db.selectFrom('users').select((eb) => eb.fn.countAll<number>().as('n')).where('tenant_id', '=', tenantId)
  if (filter) select = select.where(filterToSql(filter, usersFilterTarget) as never)
  const row = await select.executeTakeFirstOrThrow()
  return Number(row.n)
}

/** The direct groups of each user (the readOnly `groups` attribute, RFC 7643 §4.1.2). */
export async function groupsOfUsers (db: Executor, tenantId: string, userIds: string[]): Promise<Map<string, GroupRef[]>> {
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
