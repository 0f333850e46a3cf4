// Public API of the sync (issue 6): import from Meta, matching, drift, runs and schedule.
export { SyncService } from './sync-service.js'
export type { SyncServiceOptions } from './sync-service.js'
export { SyncScheduler } from './scheduler.js'
export type { SyncSchedulerOptions } from './scheduler.js'
export { unwiredSyncPorts } from './unwired-ports.js'
export { driftReport } from './drift-service.js'
export type { DriftReport } from './drift.js'
export type * from './ports.js'
