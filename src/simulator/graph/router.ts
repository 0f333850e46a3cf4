import type { SimContext } from '../context.js'
import * as assets from '../routes/assets.js'
import { debugToken } from '../routes/debug-token.js'
import * as people from '../routes/people.js'
import type { SimNode } from '../state/store.js'
import { ASSET_KINDS } from '../vocabulary.js'
import { GraphError, unknownPath, withId } from './graph-error.js'
import type { GraphRequest, HandlerInput } from './request.js'
import { specEdge } from './spec.js'

// Path → route (docs/meta-graph-api.md §2). Route names are what faults and the call log use.
// Only edges and methods Meta's spec gives the node type are answered; anything else gets
// Graph's 100/33 "Unsupported <method> request".

export type BucketSpec = { kind: 'app' } | { kind: 'buc', objectId: string, type: string, adAccount: boolean }

export interface Route {
  name: string
  /** Business whose rules and permissions apply. */
  businessId: string
  bucket: BucketSpec
  /** People management writes: admin actor required (§7, Q1). */
  peopleWrite: boolean
  run: (input: HandlerInput) => unknown
}

const APP: BucketSpec = { kind: 'app' }

export function resolveRoute (ctx: SimContext, req: GraphRequest, callerBusinessId: string): Route | GraphError {
  const [id, edge, ...rest] = req.segments
  const m = req.method
  if (id === undefined || rest.length > 0) return unknownPath(req.segments.join('/'))
  // A root endpoint, not a node (Graph API reference "Debug Token").
  if (id === 'debug_token' && edge === undefined && m === 'GET') {
    return { name: 'debug_token', businessId: callerBusinessId, bucket: APP, peopleWrite: false, run: debugToken }
  }
  const node = ctx.store.node(id)
  if (node === undefined) return withId(ctx.settings.notFoundError, id, m)
  const unsupported = withId(ctx.settings.notFoundError, id, m)
  const inSpec = specEdge(specNodeName(node), edge ?? null, m) !== undefined
  if (!inSpec && !allowedBeyondSpec(ctx, node, edge, m)) return unsupported
  const route = (name: string, businessId: string, run: Route['run'], extra: Partial<Route> = {}): Route =>
    ({ name, businessId, bucket: APP, peopleWrite: false, run, ...extra })

  if (edge === undefined) {
    switch (node.kind) {
      case 'member': {
        const v = node.value
        if (m === 'GET') return route('business_user.get', v.businessId, i => people.getMember(i, v))
        if (m === 'POST') return route('business_user.update', v.businessId, i => people.updateMember(i, v), { peopleWrite: true })
        return route('business_user.delete', v.businessId, i => people.deleteMember(i, v), { peopleWrite: true })
      }
      case 'role_request': {
        const v = node.value
        if (m === 'GET') return route('role_request.get', v.businessId, i => people.getRequest(i, v))
        if (m === 'POST') return route('role_request.update', v.businessId, i => people.updateRequest(i, v), { peopleWrite: true })
        return route('role_request.delete', v.businessId, i => people.deleteRequest(i, v), { peopleWrite: true })
      }
      case 'asset': {
        const v = node.value
        if (m === 'GET') return route('asset.get', assetBusiness(v, callerBusinessId), i => assets.getAsset(i, v))
        return unsupported
      }
      case 'business': {
        const v = node.value
        if (m === 'GET') return route('business.get', v.id, i => people.getBusiness(i, v))
        return unsupported
      }
      case 'system_user': {
        const v = node.value
        if (m === 'GET') return route('system_user.get', v.businessId, i => people.getSystemUser(i, v))
        return unsupported
      }
    }
  }

  if (node.kind === 'business') {
    const b = node.value.id
    if (edge === 'business_users') {
      if (m === 'GET') return route('business_users.list', b, people.listMembers)
      if (m === 'POST') return route('business_users.invite', b, people.invite, { peopleWrite: true })
    }
    if (m === 'GET') {
      if (edge === 'pending_users') return route('pending_users.list', b, people.listPending)
      if (edge === 'system_users') return route('system_users.list', b, people.listSystemUsers)
      if (edge === 'agencies' || edge === 'clients') return route(`${edge}.list`, b, i => assets.listPartners(i, edge))
      if (assets.ASSET_EDGE_INDEX.has(edge)) return route('assets.list', b, i => assets.listAssets(i, edge))
    }
  }

  if (node.kind === 'asset' && edge === 'assigned_users') {
    const v = node.value
    const bucType = ctx.settings.rateLimits.bucByAssetType[v.type]
    const bucket: BucketSpec = bucType === null
      ? APP
      : { kind: 'buc', objectId: v.type === 'ad_account' ? v.id.slice(4) : v.id, type: bucType, adAccount: v.type === 'ad_account' }
    const business = assetBusiness(v, callerBusinessId)
    if (m === 'GET') return route('assigned_users.list', business, i => assets.listAssigned(i, v), { bucket })
    if (m === 'POST') return route('assigned_users.assign', business, i => assets.assign(i, v), { bucket })
    return route('assigned_users.unassign', business, i => assets.unassign(i, v), { bucket })
  }
  return unknownPath(req.segments.join('/'))
}

/** The Meta node type (spec file) of a simulated object. */
export function specNodeName (node: SimNode): string {
  switch (node.kind) {
    case 'business': return 'Business'
    case 'member': return 'BusinessUser'
    case 'role_request': return 'BusinessRoleRequest'
    case 'system_user': return 'SystemUser'
    case 'asset': return ASSET_KINDS[node.value.type].node
  }
}

/** Calls the spec lacks that a setting may still allow ([U] behaviours kept switchable). */
function allowedBeyondSpec (ctx: SimContext, node: SimNode, edge: string | undefined, method: string): boolean {
  return node.kind === 'asset' && node.value.type === 'pixel' && edge === 'assigned_users' && method === 'DELETE' &&
    ctx.settings.pixelUnassignSupported
}

/** A client's asset shared with the caller is managed in the caller's business (§2.4). */
function assetBusiness (asset: { ownerBusinessId: string, sharedWith: Set<string> }, caller: string): string {
  return asset.sharedWith.has(caller) ? caller : asset.ownerBusinessId
}
