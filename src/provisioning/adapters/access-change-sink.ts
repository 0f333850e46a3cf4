import type { AccessChangeSink } from '../../directory/access-change-sink.js'
import type { ReconcileQueue } from '../jobs/queue.js'

/**
 * The directory's hook (src/directory/access-change-sink.ts) to the queue: every SCIM write
 * that can change someone's access enqueues their reconcile in the write's own transaction.
 */
export function queueAccessChanges (queue: ReconcileQueue): AccessChangeSink {
  return {
    usersChanged: async (trx, tenantId, userIds) => { await queue.enqueueUsers(trx, tenantId, userIds, 'scim: user changed') },
    groupMembersChanged: async (trx, tenantId, groupId) => { await queue.enqueueGroupMembers(trx, tenantId, groupId, 'scim: group changed') },
    insertedUserStatement: (inserted) => queue.enqueueSql(inserted, 'scim: user changed')
  }
}
