import type { Kysely, Transaction } from 'kysely'
import type { DB } from '../db/schema.js'
import type { MetaClient } from '../meta/index.js'
import type { AssetAccess, DesiredAccess, IdentityMode } from '../provisioning/engine/reconcile-types.js'

// What the sync needs from the provisioning engine and the removal brake.
// The sync reads Meta and decides what differs; the engine owns Meta settings, desired access,
// the per-person observed state, the reconcile queue and every write to Meta.

// The access model is the engine's own (src/provisioning/engine/reconcile-types.ts); the sync speaks it too.
export type { AssetAccess, DesiredAccess, IdentityMode }

/** A tenant's Meta connection, decrypted, for one sync (reference §1, §7). */
export interface MetaConnection {
  /** Where the process's clients point; the client itself comes from `SyncMetaClients`. */
  graphUrl: string
  /** The setting behind `graphUrl`, named when the connection fails. */
  graphUrlSetting?: string
  apiVersion: string
  accessToken: string
  appSecret?: string | undefined
  businessId: string
  identityMode: IdentityMode
}

/**
 * Where a SCIM user stands in the business according to this sync. `absent` covers every way
 * of leaving (removed, invite cancelled, or expired and no longer listed, §8.1); the engine
 * tells them apart from its own record.
 */
export type ObservedStateName = 'active' | 'invited' | 'invite_expired' | 'invite_declined' | 'absent'

export interface ObservedPerson {
  userId: string
  state: ObservedStateName
  businessUserId: string | null
  roleRequestId: string | null
  role: string | null
  financePermission: string | null
  ipPermission: string | null
  workAccount: boolean
  inviteStatus: string | null
  inviteExpiresAt: Date | null
  /** Tasks per asset, members only (nothing can be assigned to an invite, §8.2). */
  assets: AssetAccess[]
  /** Assets whose assignments could not be read: what the person holds there is unknown. */
  unreadableAssets?: Array<{ assetType: string, assetId: string }>
}

/** A member or pending invite the IdP does not know (drift "unmanaged"). */
export interface UnmanagedPerson {
  kind: 'member' | 'invite'
  metaId: string
  email: string | null
  role: string | null
}

export interface SyncCause {
  syncRunId: string
}

/**
 * The process's Meta client factory (src/provisioning/adapters/meta-clients.ts), so a sync's
 * calls share the governor, timeout, tracing and metrics of the worker's.
 */
export interface SyncMetaClients {
  forTenant: (
    credentials: { tenantId: string, businessId: string | null, accessToken: string | null, appSecret: string | null },
    use: 'sync'
  ) => MetaClient | null
}

export interface SyncPorts {
  /** undefined when the tenant has no Meta connection: the run fails saying so. */
  loadMetaConnection: (tenantId: string) => Promise<MetaConnection | undefined>
  /** Desired access of each given user (every SCIM user of the tenant, active or not). */
  desiredAccess: (db: Kysely<DB>, tenantId: string, userIds: readonly string[]) => Promise<Map<string, DesiredAccess>>
  /** Records what the sync saw for every SCIM user of the tenant, in the sync's transaction. */
  updateObservedState: (
    trx: Transaction<DB>, tenantId: string, people: readonly ObservedPerson[], cause: SyncCause
  ) => Promise<void>
  /** Enqueues one (coalesced) reconcile per user, in the sync's transaction. */
  enqueueReconcile: (
    trx: Transaction<DB>, tenantId: string, userIds: readonly string[], cause: SyncCause
  ) => Promise<void>
  /**
   * The "remove unmanaged members" policy: hands people the IdP does not know to the removal
   * path. The engine must count them against the removal budget and hold them past it
   * and skip them in work_accounts mode; it answers how many it accepted and how many it held.
   */
  requestRemovals: (
    trx: Transaction<DB>, tenantId: string, people: readonly UnmanagedPerson[], cause: SyncCause
  ) => Promise<{ accepted: number, held: number }>
}
