import type { RawBuilder, Transaction } from 'kysely'
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
  /**
   * What `usersChanged` does for a user being created, as a statement the insert runs as a
   * data-modifying WITH clause of its own (PostgreSQL docs, "WITH Queries", 7.8.4): the user and
   * its reconcile are then written by one statement, atomic without a transaction, in one round
   * trip instead of four (BEGIN, INSERT, enqueue, COMMIT). `inserted` selects the new row's
   * `(tenant_id, user_id)`. Absent: the create runs `usersChanged` in a transaction.
   */
  insertedUserStatement?: (inserted: RawBuilder<unknown>) => RawBuilder<unknown>
}

export const noopAccessChangeSink: AccessChangeSink = {
  usersChanged: async () => {},
  groupMembersChanged: async () => {}
}
