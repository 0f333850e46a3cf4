import type { Kysely } from 'kysely'
import type { DB } from '../db/schema.js'
import { computeDrift, type DriftReport } from './drift.js'
import type { SyncPorts } from './ports.js'
import { loadScimIdentities } from './scim-identities.js'
import { loadSnapshot } from './snapshot-repository.js'

/**
 * The drift report of a tenant now: the last snapshot against the SCIM users and desired access
 * as they are at this moment (matching is redone, so users added since the sync count).
 * undefined before the tenant's first successful sync.
 */
export async function driftReport (
  db: Kysely<DB>, ports: SyncPorts, tenantId: string, inviteAgeDays: number, now = new Date()
): Promise<DriftReport | undefined> {
  const snapshot = await loadSnapshot(db, tenantId)
  if (snapshot === undefined) return undefined
  const users = await loadScimIdentities(db, tenantId)
  const desired = await ports.desiredAccess(db, tenantId, users.map((u) => u.id))
  return computeDrift({
    snapshot: { runId: snapshot.runId, businessId: snapshot.businessId, takenAt: snapshot.takenAt },
    people: snapshot.people,
    assignments: snapshot.assignments,
    partners: snapshot.partners,
    users,
    desired,
    inviteAgeDays,
    now,
    unreadableAssets: snapshot.unreadableAssets
  }).report
}
