import { sql, type RawBuilder } from 'kysely'
import type { FilterNode } from '../scim/filter/ir.js'
import type { MemberValue } from '../scim/patch/members.js'
import { filterToSql } from './filter-sql.js'
import { memberElementTarget } from './filter-targets-sql.js'
import type { MemberRef } from './records.js'
import type { Executor } from '../db/executor.js'

/**
 * Members of each group, in the order they were added, at most `perGroup` of each: an answer
 * never holds more members than that, whatever the group's size. Only called when members are
 * asked for.
 */
export async function membersOfGroups (
  db: Executor, tenantId: string, groupIds: string[], perGroup: number
): Promise<Map<string, MemberRef[]>> {
  const out = new Map<string, MemberRef[]>(groupIds.map((id) => [id, []]))
  if (groupIds.length === 0 || perGroup <= 0) return out
  const result = await sql<{ group_id: string, member_id: string, display: string | null }>`
    select group_id, member_id, display from (
      select group_id, member_id, display, added_at,
        row_number() over (partition by group_id order by added_at, member_id) as position
      from group_members
      where tenant_id = ${tenantId}::uuid and group_id = any(${groupIds}::uuid[])
    ) ranked
    where position <= ${perGroup}
    order by group_id, added_at, member_id`.execute(db)
  for (const row of result.rows) out.get(row.group_id)?.push({ id: row.member_id, display: row.display })
  return out
}

/** How many members each group has (0 for none), from the membership index alone. */
export async function memberCounts (db: Executor, tenantId: string, groupIds: string[]): Promise<Map<string, number>> {
  const out = new Map<string, number>(groupIds.map((id) => [id, 0]))
  if (groupIds.length === 0) return out
  const rows = await db.selectFrom('group_members').select(['group_id', (eb) => eb.fn.countAll<string>().as('members')])
    .where('tenant_id', '=', tenantId).where(sql<boolean>`group_id = any(${groupIds}::uuid[])`)
    .groupBy('group_id').execute()
  for (const row of rows) out.set(row.group_id, Number(row.members))
  return out
}

/**
 * Adds members that are not members yet; the ids actually added. Ids travel as one array
 * parameter, so a list of any size is one statement within PostgreSQL's parameter limit.
 */
export async function addMembers (
  db: Executor, tenantId: string, groupId: string, members: MemberValue[]
): Promise<string[]> {
  if (members.length === 0) return []
  const ids = members.map((m) => m.value)
  const displays = members.map((m) => m.display ?? null)
  const result = await sql<{ member_id: string }>`
    insert into group_members (tenant_id, group_id, member_id, display)
    select ${tenantId}::uuid, ${groupId}::uuid, m.member_id, m.display
    from unnest(${ids}::uuid[], ${displays}::text[]) as m(member_id, display)
    on conflict (tenant_id, group_id, member_id) do nothing
    returning member_id`.execute(db)
  return result.rows.map((r) => r.member_id)
}

/** Removes the listed members; the ids actually removed. */
export async function removeMembers (
  db: Executor, tenantId: string, groupId: string, memberIds: string[]
): Promise<string[]> {
  if (memberIds.length === 0) return []
  const rows = await db.deleteFrom('group_members')
    .where('tenant_id', '=', tenantId).where('group_id', '=', groupId)
    .where(sql<boolean>`member_id = any(${memberIds}::uuid[])`)
    .returning('member_id').execute()
  return rows.map((r) => r.member_id)
}

/** Removes the members matching a `members[…]` value filter, in SQL; the ids removed. */
export async function removeMembersWhere (
  db: Executor, tenantId: string, groupId: string, filter: FilterNode
): Promise<string[]> {
  const rows = await db.deleteFrom('group_members as gm')
    .where('gm.tenant_id', '=', tenantId).where('gm.group_id', '=', groupId)
    .where(filterToSql(filter, memberElementTarget) as never)
    .returning('gm.member_id').execute()
  return rows.map((r) => r.member_id)
}

/** Removes every member (the access-change sink was told before, with the group id). */
export async function removeAllMembers (db: Executor, tenantId: string, groupId: string): Promise<void> {
  await db.deleteFrom('group_members').where('tenant_id', '=', tenantId).where('group_id', '=', groupId).execute()
}

/** Makes the member list exactly `members`, as a delta; the ids added and removed. */
export async function replaceMembers (
  db: Executor, tenantId: string, groupId: string, members: MemberValue[]
): Promise<string[]> {
  const keep = members.map((m) => m.value)
  const removed = await db.deleteFrom('group_members')
    .where('tenant_id', '=', tenantId).where('group_id', '=', groupId)
    .where(sql<boolean>`member_id <> all(${keep}::uuid[])`)
    .returning('member_id').execute()
  const added = await addMembers(db, tenantId, groupId, members)
  // Members sent again with another display keep their row and take the new display.
  const withDisplay = members.filter((m) => m.display !== undefined)
  if (withDisplay.length > 0) {
    await sql`
      update group_members gm set display = m.display
      from unnest(${withDisplay.map((m) => m.value)}::uuid[], ${withDisplay.map((m) => m.display)}::text[]) as m(member_id, display)
      where gm.tenant_id = ${tenantId}::uuid and gm.group_id = ${groupId}::uuid
        and gm.member_id = m.member_id and gm.display is distinct from m.display`.execute(db)
  }
  return [...removed.map((r) => r.member_id), ...added]
}

/** `(tenant_id, user_id)` of the group's members, as a subquery (the queue's bulk enqueue). */
export function groupMemberIdsSql (tenantId: string, groupId: string): RawBuilder<unknown> {
  return sql`select distinct tenant_id, member_id as user_id from group_members
    where tenant_id = ${tenantId}::uuid and group_id = ${groupId}::uuid`
}

/** `(tenant_id, user_id)` of the members of the groups with these display names, ignoring case. */
export function memberIdsOfGroupNamesSql (tenantId: string, groupNames: readonly string[]): RawBuilder<unknown> {
  const names = groupNames.map((n) => n.toLowerCase())
  return sql`
      select distinct gm.tenant_id, gm.member_id as user_id
      from groups g join group_members gm on gm.tenant_id = g.tenant_id and gm.group_id = g.id
      where g.tenant_id = ${tenantId}::uuid and lower(g.display_name) = any(${names}::text[])`
}
