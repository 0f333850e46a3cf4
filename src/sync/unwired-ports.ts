import type { SyncMetaClients, SyncPorts } from './ports.js'

/**
 * Ports used until the provisioning engine provides real ones: no tenant has a Meta
 * connection, so a sync fails saying so and the scheduler skips every tenant; nobody is
 * entitled, so the drift report lists what the business holds as unmanaged.
 */
export const unwiredSyncPorts: SyncPorts = {
  loadMetaConnection: async () => undefined,
  desiredAccess: async () => new Map(),
  updateObservedState: async () => {},
  enqueueReconcile: async () => {},
  requestRemovals: async (_trx, _tenantId, people) => ({ accepted: 0, held: people.length })
}

/** No tenant has a Meta connection here, so no client is ever asked for. */
export const unwiredSyncClients: SyncMetaClients = { forTenant: () => null }
