import type { Kysely } from 'kysely'
import type { DB } from '../db/schema.js'
import { invitedInRange } from '../provisioning/records/audit-repository.js'
import { pendingInvitationAgesDays } from '../provisioning/records/people-repository.js'

// Bucketed counts for the console's charts. Every query is bounded: one tenant, a time range
// the route caps, an index on (tenant_id, at), and at most a few thousand buckets per series.

export interface Range { since: Date, until: Date }

const AGE_BUCKETS = [['0-7d', 0, 7], ['7-14d', 7, 14], ['14-30d', 14, 30], ['30d+', 30, null]] as const

/**
 * The invitation funnel: people invited in the range (an applied `invite` in the audit log),
 * how many of them are members now, how many still pending, and every pending invitation by
 * the age of its last invite. Expiry is Meta's and not recorded here: a pending invitation
 * older than Meta's validity shows up in the oldest age bucket and in the drift report.
 */
export async function invitationFunnel (db: Kysely<DB>, tenantId: string, range: Range, now: Date) {
  const invited = await invitedInRange(db, tenantId, range)
  const byAge = Object.fromEntries(AGE_BUCKETS.map(([label]) => [label, 0])) as Record<string, number>
  for (const age of await pendingInvitationAgesDays(db, tenantId, now)) {
    const bucket = AGE_BUCKETS.find(([, low, high]) => age >= low && (high === null || age < high))
    if (bucket !== undefined) byAge[bucket[0]] = (byAge[bucket[0]] ?? 0) + 1
  }
  return {
    invited: invited.invited,
    accepted: invited.accepted,
    pending_from_range: invited.pending,
    pending_by_age: byAge
  }
}
