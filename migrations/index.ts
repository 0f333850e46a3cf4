import type { Migration } from 'kysely/migration'
import * as tenantsAndTokens from './20261129T000100Z-tenants-and-tokens.js'
import * as directory from './20261129T000200Z-directory.js'
import * as provisioning from './20261129T000300Z-provisioning.js'
import * as adminTokens from './20261129T000400Z-admin-tokens.js'
import * as sync from './20261129T000500Z-sync.js'
import * as removalBrake from './20261129T000600Z-removal-brake.js'
import * as manualSteps from './20261203T000200Z-manual-steps.js'
import * as metaOps from './20261203T000300Z-meta-ops.js'
import * as settingsOwnership from './20261203T000400Z-settings-ownership.js'
import * as oauth from './20261203T000700Z-oauth.js'
import * as observability from './20261203T000800Z-observability.js'
import * as consoleMigration from './20261203T000900Z-console.js'
import * as reconcileTraces from './20261203T001000Z-reconcile-traces.js'
import * as requestLogWriteCost from './20261203T001100Z-request-log-write-cost.js'
import * as chartSamples from './20261203T001200Z-chart-samples.js'
import * as consoleRoles from './20261203T001300Z-console-roles.js'

/**
 * Every migration, in order. Append new ones at the end; never edit or reorder a landed one.
 * Names sort in the order they run.
 */
export const migrations: Record<string, Migration> = {
  '20261129T000100Z-tenants-and-tokens': tenantsAndTokens,
  '20261129T000200Z-directory': directory,
  '20261129T000300Z-provisioning': provisioning,
  '20261129T000400Z-admin-tokens': adminTokens,
  '20261129T000500Z-sync': sync,
  '20261129T000600Z-removal-brake': removalBrake,
  '20261203T000200Z-manual-steps': manualSteps,
  '20261203T000300Z-meta-ops': metaOps,
  '20261203T000400Z-settings-ownership': settingsOwnership,
  '20261203T000700Z-oauth': oauth,
  '20261203T000800Z-observability': observability,
  '20261203T000900Z-console': consoleMigration,
  '20261203T001000Z-reconcile-traces': reconcileTraces,
  '20261203T001100Z-request-log-write-cost': requestLogWriteCost,
  '20261203T001200Z-chart-samples': chartSamples,
  '20261203T001300Z-console-roles': consoleRoles
}
