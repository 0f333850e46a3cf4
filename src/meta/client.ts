import { z } from 'zod'
import { assetNodeId, assetScope, pixelUnassignRefusal, type AssetRef, type AssignedUserOf } from './assets.js'
import { batchOperations } from './batch-operations.js'
import type { MetaCallObserver } from './wire/call-report.js'
import { runBatch, type BatchOperation, type BatchResults } from './wire/batch.js'
import { systemClock, type Clock } from './governor/clock.js'
import {
  ASSET_EDGES, type AssetTask, type AssetType, type BusinessRole, type InvitedUserType
} from './vocabulary/enums.js'
import { MetaApiError } from './vocabulary/errors.js'
import * as F from './vocabulary/fields.js'
import type { CallScope, MetaGovernor } from './governor/governor.js'
import { Requester, type CallOptions } from './wire/requester.js'
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from './wire/retry.js'
import * as S from './vocabulary/schemas.js'
import { BusinessNodeSchema, TokenInfoSchema, type TokenInfo } from './vocabulary/token-info.js'
import { GraphTransport, type Params } from './wire/transport.js'

export interface MetaClientOptions {
  /** `META_GRAPH_URL`, e.g. https://graph.facebook.com or the simulator's http://127.0.0.1:4010 */
  graphUrl: string
  /** `META_API_VERSION`, e.g. v26.0: always sent, never left to the app default (§1.1). */
  apiVersion: string
  accessToken: string
  businessId: string
  /** When set, every request carries a timestamped appsecret_proof (§7). */
  appSecret?: string
  /** Per-request timeout. */
  timeoutMs: number
  /** One governor per process, shared by every client (§5.4). */
  governor: MetaGovernor
  fetch?: typeof fetch
  clock?: Clock
  /** Runs the per-request timeout; defaults to `clock` (see TransportOptions). */
  timeoutClock?: Clock
  /** The setting that controls `graphUrl`, named in connection errors. */
  graphUrlSetting?: string
  random?: () => number
  retry?: Partial<RetryPolicy>
  /** `limit` per page; the simulator's default is 25 ([U] §1.5). */
  pageSize?: number
  /** How often unfinished (`null`) batch operations are re-sent (§1.6). */
  batchNullRetries?: number
  maxGovernorWaitMs?: number
  /** Told how every Graph call ended (metrics: src/metrics/registry.ts `recordMetaCall`). */
  onCall?: MetaCallObserver
}

export interface ListOptions extends CallOptions {
  fields?: readonly string[]
}

/**
 * `not_found`: Meta answered 100/33, whose text is "does not exist, cannot be loaded due to
 * missing permissions, or does not support this operation". That is not proof of absence:
 * callers confirm with a read before recording anything as gone.
 */
export type DeleteOutcome = 'removed' | 'not_found'

export interface RoleChange {
  role: BusinessRole
  tasks?: readonly BusinessRole[]
}

export interface Invitation extends RoleChange {
  email: string
  /** Defaults to FB on Meta's side; MWA invites a managed Meta account (§2.1 P2). */
  invitedUserType?: InvitedUserType
}

const IdOrSuccessSchema = z.union([S.IdSchema, S.SuccessSchema])

export type MetaClient = ReturnType<typeof createMetaClient>

export function createMetaClient (options: MetaClientOptions) {
  const clock = options.clock ?? systemClock
  const random = options.random ?? Math.random
  const transport = new GraphTransport({
    graphUrl: options.graphUrl,
    apiVersion: options.apiVersion,
    accessToken: options.accessToken,
    appSecret: options.appSecret,
    timeoutMs: options.timeoutMs,
    governor: options.governor,
    clock,
    timeoutClock: options.timeoutClock,
    graphUrlSetting: options.graphUrlSetting,
    fetch: options.fetch ?? globalThis.fetch,
    maxGovernorWaitMs: options.maxGovernorWaitMs,
    onCall: options.onCall
  })
  const req = new Requester(transport, {
    policy: { ...DEFAULT_RETRY_POLICY, ...options.retry }, clock, random
  }, options.pageSize ?? 25)
  const businessId = options.businessId
  // People, partners and asset lists run under platform limits (§5.1, no business_management BUC).
  const biz: CallScope = { platform: true, objectId: businessId }
  const fields = (given: readonly string[] | undefined, fallback: readonly string[]): string =>
    F.fieldsParam(given ?? fallback)

  async function write (
    method: 'POST' | 'DELETE', path: string, params: Params, scope: CallScope, o: CallOptions = {}
  ): Promise<void> {
    await req.call({ method, path, params, schema: S.SuccessSchema, scope, idempotent: true, signal: o.signal })
  }

  /** 100/33 comes back as `not_found`, for the caller to confirm by reading (see DeleteOutcome). */
  async function remove (
    path: string, params: Record<string, string>, scope: CallScope, o: CallOptions = {}
  ): Promise<DeleteOutcome> {
    try {
      await write('DELETE', path, params, scope, o)
      return 'removed'
    } catch (err) {
      if (err instanceof MetaApiError && err.errorClass === 'not_found') return 'not_found'
      throw err
    }
  }

  const operations = batchOperations(businessId)

  return {
    businessId,
    governor: options.governor,
    /** Typed operations for `batch()`. */
    operations,

    /** P1: accepted members, all pages. */
    async listBusinessUsers (o: ListOptions = {}): Promise<S.BusinessUser[]> {
      return await req.list(`${businessId}/business_users`, { fields: fields(o.fields, F.BUSINESS_USER_FIELDS) }, S.BusinessUserSchema, biz, o)
    },
    /** P3 */
    async getBusinessUser (id: string, o: ListOptions = {}): Promise<S.BusinessUser> {
      return await req.call({ method: 'GET', path: id, params: { fields: fields(o.fields, F.BUSINESS_USER_FIELDS) }, schema: S.BusinessUserSchema, scope: biz, idempotent: true, signal: o.signal })
    },
    /** P6: invitations not yet accepted, optionally filtered by email. */
    async listPendingUsers (o: ListOptions & { email?: string } = {}): Promise<S.BusinessRoleRequest[]> {
      return await req.list(`${businessId}/pending_users`, { fields: fields(o.fields, F.PENDING_USER_FIELDS), email: o.email }, S.BusinessRoleRequestSchema, biz, o)
    },
    /** P7 */
    async getPendingUser (id: string, o: ListOptions = {}): Promise<S.BusinessRoleRequest> {
      return await req.call({ method: 'GET', path: id, params: { fields: fields(o.fields, F.PENDING_USER_FIELDS) }, schema: S.BusinessRoleRequestSchema, scope: biz, idempotent: true, signal: o.signal })
    },
    /**
     * P2. Not retried on an unknown outcome (no idempotency keys, §4.3): look the email up in
     * P1/P6 before trying again. What the returned id names is [U] (§2.1): resolve via P6.
     */
    async inviteUser (input: Invitation, o: CallOptions = {}): Promise<{ id: string }> {
      return await req.call({
        method: 'POST',
        path: `${businessId}/business_users`,
        params: {
          email: input.email,
          role: input.role,
          invited_user_type: input.invitedUserType === undefined ? undefined : [input.invitedUserType],
          tasks: input.tasks
        },
        schema: S.IdSchema,
        scope: biz,
        idempotent: false,
        signal: o.signal
      })
    },
    /** P4: sets the member's role (3914 when it would demote the last admin). */
    async updateBusinessUserRole (businessUserId: string, change: RoleChange, o: CallOptions = {}): Promise<void> {
      await write('POST', businessUserId, { role: change.role, tasks: change.tasks }, biz, o)
    },
    /** P5 (3914 when removing the last admin). */
    async removeBusinessUser (businessUserId: string, o: CallOptions = {}): Promise<DeleteOutcome> {
      return await remove(businessUserId, {}, biz, o)
    },
    /** P8: changes the role of a pending invite. */
    async updatePendingUser (requestId: string, change: RoleChange, o: CallOptions = {}): Promise<{ id: string }> {
      const body = await req.call({ method: 'POST', path: requestId, params: { role: change.role, tasks: change.tasks }, schema: IdOrSuccessSchema, scope: biz, idempotent: true, signal: o.signal })
      return { id: 'id' in body ? body.id : requestId }
    },
    /** P9: cancels a pending invite. */
    async cancelPendingUser (requestId: string, o: CallOptions = {}): Promise<DeleteOutcome> {
      return await remove(requestId, {}, biz, o)
    },
    /** P12 */
    async listSystemUsers (o: ListOptions = {}): Promise<S.SystemUser[]> {
      return await req.list(`${businessId}/system_users`, { fields: fields(o.fields, F.SYSTEM_USER_FIELDS) }, S.SystemUserSchema, biz, o)
    },
    /** §2.4: businesses that have access to this business's assets. */
    async listAgencies (o: ListOptions = {}): Promise<S.PartnerBusiness[]> {
      return await req.list(`${businessId}/agencies`, { fields: fields(o.fields, F.AGENCY_FIELDS) }, S.PartnerBusinessSchema, biz, o)
    },
    /** §2.4: businesses whose assets this business can access. */
    async listClients (o: ListOptions = {}): Promise<S.PartnerBusiness[]> {
      return await req.list(`${businessId}/clients`, { fields: fields(o.fields, F.CLIENT_FIELDS) }, S.PartnerBusinessSchema, biz, o)
    },
    /** §2.2: assets of a type, owned by the business (default) or shared by its clients. */
    async listAssets (type: AssetType, o: ListOptions & { relation?: 'owned' | 'client' } = {}): Promise<S.AssetNode[]> {
      const edge = ASSET_EDGES[type][o.relation ?? 'owned']
      return await req.list(`${businessId}/${edge}`, { fields: fields(o.fields, F.ASSET_FIELDS[type]) }, S.AssetNodeSchema, biz, o)
    },
    /** §2.3: people on an asset with their tasks. */
    async getAssignedUsers<T extends AssetType> (
      asset: AssetRef<T>, o: ListOptions = {}
    ): Promise<Array<AssignedUserOf<T>>> {
      const params = { business: businessId, fields: fields(o.fields, F.ASSIGNED_USER_FIELDS) }
      const path = `${assetNodeId(asset)}/assigned_users`
      const rows = await req.list(path, params, S.AssignedUserSchema, assetScope(asset), o)
      return rows as Array<AssignedUserOf<T>>
    },
    /**
     * §2.3/§8.2: sets a person's tasks on an asset (user = business-scoped or system user id).
     * Sent as a JSON body, the one encoding every asset type accepts (Instagram refuses form
     * bodies); `business` because page grants fail without it.
     */
    async assignUser<T extends AssetType> (
      asset: AssetRef<T>, userId: string, tasks: ReadonlyArray<AssetTask<T>>, o: CallOptions = {}
    ): Promise<void> {
      const params = { user: userId, tasks, business: businessId }
      await write('POST', `${assetNodeId(asset)}/assigned_users`, params, assetScope(asset), o)
    },
    /**
     * §2.3: removes a person from an asset; the spec documents only `user`. Pixels cannot be
     * un-assigned through the API: refused without a call (MetaApiError, source `unsupported`).
     */
    async unassignUser (asset: AssetRef, userId: string, o: CallOptions = {}): Promise<DeleteOutcome> {
      const path = `${assetNodeId(asset)}/assigned_users`
      if (asset.type === 'pixel') throw pixelUnassignRefusal(transport.endpoint('DELETE', path))
      return await remove(path, { user: userId }, assetScope(asset), o)
    },
    /** The token itself: valid, expiry, permissions (Graph API reference "Debug Token"). */
    async debugToken (o: CallOptions = {}): Promise<TokenInfo> {
      const answer = await req.call({
        method: 'GET',
        path: 'debug_token',
        params: { input_token: options.accessToken },
        schema: TokenInfoSchema,
        scope: { platform: true, objectId: businessId },
        idempotent: true,
        signal: o.signal
      })
      return answer.data
    },
    /** The business node: is it readable with this token. */
    async getBusiness (o: CallOptions = {}): Promise<z.infer<typeof BusinessNodeSchema>> {
      return await req.call({ method: 'GET', path: businessId, params: { fields: 'id,name' }, schema: BusinessNodeSchema, scope: biz, idempotent: true, signal: o.signal })
    },
    /** §1.6: any number of operations, sent 50 at a time; one result per operation, in order. */
    async batch<const Ops extends ReadonlyArray<BatchOperation<unknown>>> (
      ops: Ops, o: CallOptions = {}
    ): Promise<BatchResults<Ops>> {
      const results = await runBatch(
        transport, options.governor, ops, { nullRetries: options.batchNullRetries ?? 2, signal: o.signal }
      )
      return results as BatchResults<Ops>
    }
  }
}
