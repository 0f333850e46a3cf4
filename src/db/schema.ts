import type { TenantTables } from '../tenants/tables.js'
import type { DirectoryTables } from '../directory/tables.js'
import type { SyncTables } from '../sync/tables.js'
import type { TenantProvisioningTables } from '../tenants/provisioning-tables.js'
import type { ProvisioningTables, ReconcileTraceTables } from '../provisioning/records/tables.js'
import type { BrakeTables } from '../brake/tables.js'
import type { OAuthTables } from '../oauth/tables.js'
import type { RequestLogTables } from '../request-log/tables.js'
import type { ConsoleTables } from '../console/session/tables.js'
import type { ChartTables } from '../charts/tables.js'

/**
 * The whole database as kysely sees it. Each area declares its own tables next to its code
 * and is merged here, so an area's change touches its own file.
 */
export interface DB extends TenantTables, DirectoryTables, SyncTables, TenantProvisioningTables, ProvisioningTables,
  BrakeTables, OAuthTables, RequestLogTables, ConsoleTables, ReconcileTraceTables, ChartTables {}
