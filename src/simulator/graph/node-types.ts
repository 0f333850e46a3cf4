import { ASSET_TASKS } from '../../meta/enums.js'
import { graphTime, type SimContext } from '../context.js'
import type { SimAsset, SimBusiness, SimMember, SimRoleRequest, SimSystemUser } from '../state/model.js'
import { refreshStatus } from '../state/lifecycle.js'
import { project, type FieldSelection, type NodeType } from './fields.js'
import { expandTasks, openStatusSpelling } from './task-expansion.js'

// Field registries per node type (reference §6) with the defaults of §1.4.

export function businessType (ctx: SimContext, viewerId: string | null = null, defaults: readonly string[] = ['id', 'name']): NodeType<SimBusiness> {
  const sharedWith = (b: SimBusiness, type: SimAsset['type']): Array<{ id: string }> | undefined => {
    if (viewerId === null) return undefined
    return [...ctx.store.assets.values()]
      .filter(a => a.ownerBusinessId === viewerId && a.type === type && a.sharedWith.has(b.id))
      .map(a => ({ id: a.id }))
  }
  return {
    name: 'Business',
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
  if (ctx.settings.exposeInvitedUserTypeOnMembers) fields.invited_user_type = m => m.invitedUserType
  return { name: 'BusinessUser', defaults: viaEdge ? ['id', 'name', 'business', 'role'] : ['id', 'name', 'business'], fields }
}

export function roleRequestType (ctx: SimContext): NodeType<SimRoleRequest> {
  const names = ctx.settings.inviteStatus
  return {
    name: 'BusinessRoleRequest',
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
    defaults: ['id', 'name'],
    fields: {
      id: s => s.id,
      name: s => s.name,
      role: s => s.role,
      created_time: s => graphTime(s.createdTime),
      finance_permission: () => null,
      ip_permission: () => null
    }
  }
}

export function assetType (ctx: SimContext): NodeType<SimAsset> {
  return {
    name: 'Asset',
    defaults: ['id', 'name'],
    fields: {
      id: a => a.id,
      name: a => a.name,
      account_id: a => (a.type === 'ad_account' ? a.id.slice(4) : undefined),
      username: a => (a.type === 'instagram_account' ? a.name : undefined),
      business: (a, sub) => businessRef(ctx, a.ownerBusinessId, sub)
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
  return {
    name: 'AssignedUser',
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
      permitted_tasks: p => [...ASSET_TASKS[p.asset.type]]
    }
  }
}
