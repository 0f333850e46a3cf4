import type { Transaction } from 'kysely'
import type { DB } from '../../src/db/schema.js'
import type { AccessChangeSink } from '../../src/directory/access-change-sink.js'

export interface SinkCall {
  method: 'usersChanged' | 'groupMembersChanged'
  tenantId: string
  ids: string[]
  inTransaction: boolean
  /** For groupMembersChanged: the group's member ids as the sink could read them in the transaction. */
  membersSeen?: string[]
}

/** An access-change sink that records every call, and what the transaction showed it then. */
export function recordingSink (): AccessChangeSink & { calls: SinkCall[] } {
  const calls: SinkCall[] = []
  return {
    calls,
    async usersChanged (trx: Transaction<DB>, tenantId: string, userIds: string[]) {
      calls.push({ method: 'usersChanged', tenantId, ids: [...userIds].sort(), inTransaction: trx.isTransaction })
    },
    async groupMembersChanged (trx: Transaction<DB>, tenantId: string, groupId: string) {
      const rows = await trx.selectFrom('group_members').select('member_id')
        .where('tenant_id', '=', tenantId).where('group_id', '=', groupId).execute()
      calls.push({
        method: 'groupMembersChanged', tenantId, ids: [groupId], inTransaction: trx.isTransaction, membersSeen: rows.map((r) => r.member_id).sort()
      })
    }
  }
}
