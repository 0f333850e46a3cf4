import { SyncService } from '../../../src/sync/sync-service.js'
import { createMetaClientFactory } from '../../../src/provisioning/adapters/meta-clients.js'
import { driftReport } from '../../../src/sync/drift-service.js'
import type { Harness } from './harness.js'

/** A sync of the harness's tenant through the engine's own ports, run to the end. */
export async function syncOnce (h: Harness): Promise<{ status: string, error: string | null }> {
  const sync = new SyncService({
    db: h.db,
    ports: h.runtime.syncPorts,
    // The harness's governor; the sync's own test retries and timeout, as before.
    clients: createMetaClientFactory({
      graphUrl: h.runtime.clients.graphUrl,
      apiVersion: h.runtime.clients.apiVersion,
      timeoutMs: 5000,
      governor: h.governor,
      overrides: { random: () => 0, retry: { baseDelayMs: 1, maxDelayMs: 2 } }
    })
  })
  const started = await sync.start(h.tenantId, 'manual')
  await sync.drain()
  if (!('started' in started)) throw new Error('a sync was already running')
  const run = await h.db.selectFrom('sync_runs').select(['status', 'error']).where('id', '=', started.started.id).executeTakeFirstOrThrow()
  return run
}

/** The drift report of the harness's tenant now. */
export async function driftOf (h: Harness) {
  const report = await driftReport(h.db, h.runtime.syncPorts, h.tenantId, 14)
  if (report === undefined) throw new Error('no sync yet')
  return report
}
