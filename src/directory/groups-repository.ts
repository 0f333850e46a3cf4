import { sql } from 'kysely'
import { filterToSql } from './filter-sql.js'
import { groupsFilterTarget } from './filter-targets-sql.js'
import type { GroupRecord, JsonObject, ListQuery } from './records.js'
import { sortExpression } from './sort-sql.js'
import type { GroupRow } from './tables.js'
import type { Executor } from '../db/executor.js'

function toRecord (row: GroupRow): GroupRecord {
  return {
    id: row.id,
    displayName: row.display_name,
    externalId: row.external_id,
    data: row.data,
    version: row.version,
    createdAt: row.created_at,
    updatedAt: row.updated_at
  }
}

function columns (data: JsonObject): { display_name: string, external_id: string | null, data: string } {
  return {
    display_name: String(data.displayName),
    external_id: typeof data.externalId === 'string' ? data.externalId : null,
    data: JSON.stringify(data)
  }
}

/** One group of the tenant, without members; `forUpdate` takes the row lock membership changes serialise on. */
export async function findGroup (
  db: Executor, tenantId: string, id: string, options: { forUpdate?: boolean } = {}
): Promise<GroupRecord | undefined> {
  let query = db.selectFrom('groups').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id)
  if (options.forUpdate) query = query.forUpdate()
  const row = await query.executeTakeFirst()
  return row ? toRecord(row) : undefined
}

export async function insertGroup (db: Executor, tenantId: string, data: JsonObject): Promise<GroupRecord> {
  const row = await db.insertInto('groups').values({ tenant_id: tenantId, ...columns(data) }).returningAll().executeTakeFirstOrThrow()
  return toRecord(row)
}

/** Replaces the body and bumps the version; membership changes bump it too (members are part of the resource). */
export async function updateGroup (db: Executor, tenantId: string, id: string, data: JsonObject): Promise<GroupRecord> {
  const row = await db.updateTable('groups')
    .set({ ...columns(data), version: sql`version + 1`, updated_at: sql`now()` })
    .where('tenant_id', '=', tenantId).where('id', '=', id)
    .returningAll().executeTakeFirstOrThrow()
  return toRecord(row)
}

/** Deletes the group; its memberships go with it (foreign key cascade). */
export async function deleteGroup (db: Executor, tenantId: string, id: string): Promise<boolean> {
  const result = await db.deleteFrom('groups').where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst()
  return result.numDeletedRows > 0n
}

/** A page of groups (never their members) in a stable order. */
export async function listGroups (db: Executor, tenantId: string, query: ListQuery): Promise<GroupRecord[]> {
  let select = db.selectFrom('groups').selectAll().where('tenant_id', '=', tenantId)
  if (query.filter) select = select.where(filterToSql(query.filter, groupsFilterTarget) as never)
  if (query.sort) {
    const direction = query.sort.descending ? sql`desc nulls first` : sql`asc nulls last`
    select = select.orderBy(sql`${sortExpression(groupsFilterTarget, query.sort.attr)} ${direction}`)
  }
  const rows = await select.orderBy('created_at').orderBy('id').offset(query.offset).limit(query.limit).execute()
  return rows.map(toRecord)
}

export async function countGroups (db: Executor, tenantId: string, filter: ListQuery['filter']): Promise<number> {
  let select = db.selectFrom('groups').select((eb) => eb.fn.countAll<number>().as('n')).where('tenant_id', '=', tenantId)
  if (filter) select = select.where(filterToSql(filter, groupsFilterTarget) as never)
  const row = await select.executeTakeFirstOrThrow()
  return Number(row.n)
}
