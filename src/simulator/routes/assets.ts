import { project, selectionFrom } from '../graph/fields.js'
import { GraphError, invalidParam, notBusinessScopedError, taskCombinationError, withId } from '../graph/graph-error.js'
import { assetType, assignedUserType, businessType } from '../graph/node-types.js'
import { enumList, required, str } from '../graph/params.js'
import { listAnswer, type HandlerInput } from '../graph/request.js'
import type { SimAsset } from '../state/model.js'
import { ASSET_KINDS, SIM_ASSET_TYPES, specTasks, type SimAssetType } from '../vocabulary.js'

// Assets, assignments (docs/meta-graph-api.md §2.2, §2.3, §8.2) and partners (§2.4).

type AssetType = SimAssetType

/** Edge name → [asset type, owned or client]. */
export const ASSET_EDGE_INDEX = new Map<string, [AssetType, 'owned' | 'client']>(
  SIM_ASSET_TYPES.flatMap(type => [
    [ASSET_KINDS[type].owned, [type, 'owned']] as const,
    [ASSET_KINDS[type].client, [type, 'client']] as const
  ])
)

/** §2.2 lists: owned assets, or assets of client businesses shared with us. */
export function listAssets (input: HandlerInput, edge: string): unknown {
  const { ctx, businessId } = input
  const [type, relation] = ASSET_EDGE_INDEX.get(edge) as [AssetType, 'owned' | 'client']
  const items = [...ctx.store.assets.values()].filter(a => a.type === type && (relation === 'owned'
    ? a.ownerBusinessId === businessId
    : a.ownerBusinessId !== businessId && a.sharedWith.has(businessId)))
  const sel = selectionFrom(input.req.params)
  return listAnswer(input, items, a => a.id, a => project(assetType(ctx, type), a, sel))
}

export function getAsset (input: HandlerInput, asset: SimAsset): unknown {
  return project(assetType(input.ctx, asset.type), asset, selectionFrom(input.req.params))
}

/** `business` must name the caller's business (required on GET, §2.3). */
function checkBusinessParam (input: HandlerInput, requiredParam: boolean): void {
  const business = requiredParam ? required(input.req.params, 'business') : str(input.req.params, 'business')
  if (business !== undefined && business !== input.businessId) throw new GraphError(input.ctx.settings.permissionError)
}

export function listAssigned (input: HandlerInput, asset: SimAsset): unknown {
  checkBusinessParam(input, true)
  const { ctx } = input
  const sel = selectionFrom(input.req.params)
  const type = assignedUserType(ctx)
  const items = [...ctx.store.assignmentsOf(asset.id).entries()].map(([personId, tasks]) => ({
    asset, personId, tasks
  }))
  return listAnswer(input, items, p => p.personId, p => project(type, p, sel), ['business'])
}

/** The person must be a member or system user of the calling business (§1.7, 1752100). */
function personOf (input: HandlerInput, id: string): void {
  const { store } = input.ctx
  const member = store.members.get(id)
  const systemUser = store.systemUsers.get(id)
  const owner = member?.businessId ?? systemUser?.businessId
  if (owner !== input.businessId) throw notBusinessScopedError()
}

function checkCombination (input: HandlerInput, type: AssetType, tasks: string[]): void {
  const combos = input.ctx.settings.taskCombinations[type]
  if (tasks.length === 0) throw invalidParam('Param tasks must be a non-empty array')
  if (combos === undefined || combos === null) return
  const key = [...new Set(tasks)].sort().join(',')
  if (!combos.some(c => [...new Set(c)].sort().join(',') === key)) throw taskCombinationError()
}

/** POST assigned_users: set (or merge, by setting) a person's tasks on the asset. */
export function assign (input: HandlerInput, asset: SimAsset): unknown {
  const { ctx, req } = input
  const { settings } = ctx
  if (asset.type === 'page' && settings.pageAssignRequiresBusiness) checkBusinessParam(input, true)
  else checkBusinessParam(input, false)
  // §2.3 [live]: "Failed to parse the request body parameters" for a form body on Instagram.
  if (req.bodyEncoding === 'form' && settings.formBodyRefusedFor.includes(asset.type)) {
    throw invalidParam('Failed to parse the request body parameters')
  }
  const user = required(req.params, 'user')
  personOf(input, user)
  const accepted = [...specTasks(asset.type), ...(settings.extraAcceptedTasks[asset.type] ?? [])]
  const given = enumList(req.params, 'tasks', accepted, settings.acceptCommaLists)
  if (given === undefined && settings.tasksRequiredFor.includes(asset.type)) throw invalidParam('The parameter tasks is required')
  const current = ctx.store.assignmentsOf(asset.id).get(user) ?? []
  const requested = given ?? defaultTasks(input, asset.type)
  const next = settings.taskAssignment === 'merge' ? [...new Set([...current, ...requested])] : requested
  checkCombination(input, asset.type, next)
  ctx.store.assignmentsOf(asset.id).set(user, next)
  return { success: true }
}

/** [U]: tasks omitted where optional → the first allowed combination, else every task. */
function defaultTasks (input: HandlerInput, type: AssetType): string[] {
  const combos = input.ctx.settings.taskCombinations[type]
  return [...(combos?.[0] ?? specTasks(type))]
}

export function unassign (input: HandlerInput, asset: SimAsset): unknown {
  const { ctx, req } = input
  if (asset.type === 'pixel' && !ctx.settings.pixelUnassignSupported) {
    throw withId(ctx.settings.notFoundError, asset.id, req.method)
  }
  checkBusinessParam(input, false)
  const user = required(req.params, 'user')
  ctx.store.assignmentsOf(asset.id).delete(user)
  return { success: true }
}

/** §2.4: agencies (who can access our assets) and clients (whose assets we can access). */
export function listPartners (input: HandlerInput, kind: 'agencies' | 'clients'): unknown {
  const { ctx, businessId } = input
  const self = ctx.store.businesses.get(businessId)
  const ids = self === undefined ? [] : [...(kind === 'agencies' ? self.agencyIds : self.clientIds)]
  const items = ids.map(id => ctx.store.businesses.get(id)).filter(b => b !== undefined)
  const defaults = kind === 'agencies'
    ? ['id', 'name', 'adaccount_permissions', 'application_permissions', 'page_permissions', 'productcatalog_permissions', 'shared_ca_count']
    : ['id', 'name']
  const type = businessType(ctx, businessId, defaults)
  const sel = selectionFrom(input.req.params)
  return listAnswer(input, items, b => b.id, b => project(type, b, sel))
}
