import { graphTime, type SimContext } from '../context.js'
import type { SimAsset, SimBusiness, SimMember, SimRoleRequest, SimSystemUser } from '../state/model.js'
import { refreshStatus } from '../state/lifecycle.js'
import { ASSET_KINDS, specTasks } from '../vocabulary.js'
import { knownFields } from './edge-fields.js'
import { project, type FieldSelection, type NodeType } from './fields.js'
import { expandTasks, openStatusSpelling } from './task-expansion.js'

// What each node type answers (docs/meta-graph-api.md §6): the field names come from Meta's
// spec files; the getters give the simulator's state for the fields it models. Defaults: §1.4.

export function businessType (ctx: SimContext, viewerId: string | null = null, defaults: readonly string[] = ['id', 'name']): NodeType<SimBusiness> {
  const sharedWith = (b: SimBusiness, type: SimAsset['type']): Array<{ id: string }> | undefined => {
    if (viewerId === null) return undefined
    return [...ctx.store.assets.values()]
      .filter(a => a.ownerBusinessId === viewerId && a.type === type && a.sharedWith.has(b.id))
      .map(a => ({ id: a.id }))
  }
  return {
    name: 'Business',
    known: knownFields('Business', viewerId === null ? null : 'agencies'),
    defaults,
    fields: {
      id: b => b.id,
      name: b => b.name,
      two_factor_type: b => b.twoFactorType,
      created_time: b => graphTime(b.createdTime),
      adaccount_permissions: b => sharedWith(b, 'ad_account'),
      page_permissions: b => sharedWith(b, 'page'),
      productcatalog_permissions: b => sharedWith(b, 'product_catalog'),
      application_permissions: () => (viewerId === null ? undefined : []),
      shared_ca_count: () => (viewerId === null ? undefined : 0)
    }
  }
}

function businessRef (ctx: SimContext, id: string, sub: FieldSelection[] | null): Record<string, unknown> | undefined {
  const b = ctx.store.businesses.get(id)
  return b === undefined ? undefined : project(businessType(ctx), b, sub)
}

export function memberType (ctx: SimContext, viaEdge: boolean): NodeType<SimMember> {
  const fields: NodeType<SimMember>['fields'] = {
    id: m => m.id,
    name: m => `${m.firstName} ${m.lastName}`.trim(),
    email: m => m.email,
    first_name: m => m.firstName,
    last_name: m => m.lastName,
    role: m => m.role,
    tasks: m => m.tasks,
    title: m => m.title,
    pending_email: m => m.pendingEmail,
    finance_permission: m => m.financePermission,
    ip_permission: m => m.ipPermission,
    two_fac_status: m => m.twoFacStatus,
    marked_for_removal: m => m.markedForRemoval,
    business: (m, sub) => businessRef(ctx, m.businessId, sub)
  }
  const known = new Set(knownFields('BusinessUser'))
  // Not in the spec (only Meta's Python SDK lists it): off by default, see the setting.
  if (ctx.settings.exposeInvitedUserTypeOnMembers) {
    known.add('invited_user_type')
    fields.invited_user_type = m => m.invitedUserType
  }
  const defaults = viaEdge ? ['id', 'name', 'business', 'role'] : ['id', 'name', 'business']
  return { name: 'BusinessUser', known, defaults, fields }
}

export function roleRequestType (ctx: SimContext): NodeType<SimRoleRequest> {
  const names = ctx.settings.inviteStatus
  return {
    name: 'BusinessRoleRequest',
    known: knownFields('BusinessRoleRequest'),
    defaults: ['id', 'email', 'role', 'status'],
    fields: {
      id: r => r.id,
      email: r => r.email,
      role: r => r.role,
      tasks: r => r.tasks,
      status: r => {
        const status = refreshStatus(ctx, r)
        return status === 'pending' ? openStatusSpelling(ctx.settings, r.id, names.pending) : names[status]
      },
      invited_user_type: r => r.invitedUserType,
      created_time: r => graphTime(r.createdTime),
      updated_time: r => graphTime(r.updatedTime),
      expiration_time: r => graphTime(r.expirationTime),
      expiry_time: r => graphTime(r.expirationTime),
      finance_role: () => null,
      ip_role: () => null,
      invite_link: r => `https://business.facebook.com/invitation/?token=${r.id}`,
      owner: (r, sub) => businessRef(ctx, r.businessId, sub),
      created_by: r => (r.createdBy === null ? undefined : { id: r.createdBy })
    }
  }
}

export function systemUserType (): NodeType<SimSystemUser> {
  return {
    name: 'SystemUser',
    known: knownFields('SystemUser'),
    defaults: ['id', 'name'],
    fields: {
      id: s => s.id,
      name: s => s.name,
      created_time: s => graphTime(s.createdTime),
      finance_permission: () => null,
      ip_permission: () => null
    }
  }
}

/** An asset node of one type (AdAccount, Page, ...): its fields are its own spec file's. */
export function assetType (ctx: SimContext, type: SimAsset['type']): NodeType<SimAsset> {
  const name = ASSET_KINDS[type].node
  const known = knownFields(name)
  return {
    name,
    known,
    defaults: ['id', 'name'].filter(f => known.has(f)),
    fields: {
      id: a => a.id,
      name: a => a.name,
      account_id: a => a.id.slice(4),
      // InstagramBusinessAsset has no `name`: the account's handle is `ig_username` (§2.2).
      ig_username: a => a.name,
      ig_user_id: a => `178414${a.id.padStart(11, '0')}`,
      business: (a, sub) => businessRef(ctx, a.ownerBusinessId, sub),
      owner_business: (a, sub) => businessRef(ctx, a.ownerBusinessId, sub)
    }
  }
}

export interface AssignedPerson {
  asset: SimAsset
  personId: string
  tasks: string[]
}

export function assignedUserType (ctx: SimContext): NodeType<AssignedPerson> {
  const person = (id: string): SimMember | SimSystemUser | undefined =>
    ctx.store.members.get(id) ?? ctx.store.systemUsers.get(id)
  const { settings } = ctx
  return {
    name: 'AssignedUser',
    known: knownFields('AssignedUser', 'assigned_users'),
    defaults: ['id', 'tasks'],
    fields: {
      id: p => p.personId,
      name: p => {
        const x = person(p.personId)
        return x === undefined ? undefined : 'firstName' in x ? `${x.firstName} ${x.lastName}`.trim() : x.name
      },
      // [U] §2.3: user_type values are undocumented.
      user_type: p => (ctx.store.systemUsers.has(p.personId) ? 'system_user' : 'business_user'),
      business: (p, sub) => {
        const x = person(p.personId)
        return x === undefined ? undefined : businessRef(ctx, x.businessId, sub)
      },
      tasks: p => expandTasks(ctx.settings, p.asset.type, p.tasks),
      // §2.3 [live]: Meta's own lists carry names outside the spec's enums, and Instagram rows
      // have no permitted_tasks at all.
      permitted_tasks: p => settings.rowsWithoutPermittedTasks.includes(p.asset.type)
        ? undefined
        : [...(settings.permittedTasksOnRead[p.asset.type] ?? specTasks(p.asset.type))]
    }
  }
}
