import type { Transaction } from 'kysely'
import type { DB } from '../db/schema.js'

/**
 * Told, inside the transaction of every SCIM write that can change someone's Meta access,
 * whose access may have changed; the provisioning engine enqueues reconcile jobs in that same
 * transaction, so a rollback drops them and a commit can never lose them (docs/architecture.md "How a change flows").
 */
export interface AccessChangeSink {
  usersChanged: (trx: Transaction<DB>, tenantId: string, userIds: string[]) => Promise<void>
  /** Every current member of the group; called before memberships are deleted. */
  groupMembersChanged: (trx: Transaction<DB>, tenantId: string, groupId: string) => Promise<void>
}

export const noopAccessChangeSink: AccessChangeSink = {
  usersChanged: async () => {},
  groupMembersChanged: async () => {}
}
