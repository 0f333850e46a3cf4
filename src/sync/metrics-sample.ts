import type { SyncSample } from '../metrics/types.js'
import type { Executor } from '../db/executor.js'
import { waitingPeopleSample } from '../provisioning/records/people-repository.js'
import { syncAgeSample } from './runs-repository.js'
import { DEFAULT_SYNC_SETTINGS } from './settings-repository.js'

/**
 * For `metrics.observeSync`, read at scrape time across all tenants, no tenant labels:
 * - the longest time since a tenant's last successful sync, over tenants with a Meta business
 *   and token and a schedule; a tenant that never synced counts from when its Meta settings
 *   were created, so a first sync that keeps failing shows too;
 * - people whose desired and observed access differed at each tenant's last successful sync
 *   (the reconciles that sync enqueued), summed;
 * - manual steps (pixel access to remove in Business Settings) on people's records, summed;
 * - people entitled and not yet members, and the longest such wait.
 */
export async function syncSample (db: Executor): Promise<SyncSample> {
  const age = await syncAgeSample(db, DEFAULT_SYNC_SETTINGS.scheduleMinutes)
  const waiting = await waitingPeopleSample(db)
  return {
    oldestSuccessAgeSeconds: age.oldestSeconds === null ? null : Math.max(0, age.oldestSeconds),
    driftedPeople: age.drifted,
    manualSteps: waiting.manualSteps,
    waitingPeople: waiting.waitingPeople,
    longestWaitSeconds: waiting.longestWaitSeconds
  }
}
