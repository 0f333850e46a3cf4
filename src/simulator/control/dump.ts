import { graphTime } from '../context.js'
import { refreshStatus } from '../state/lifecycle.js'
import type { Simulator } from '../simulator.js'

/** A readable snapshot of one business for demos and debugging (GET /__sim/businesses/:id). */
export function dumpBusiness (sim: Simulator, id: string): Record<string, unknown> | null {
  const { store } = sim
  const b = store.businesses.get(id)
  if (b === undefined) return null
  const assets = [...store.assets.values()].filter(a => a.ownerBusinessId === id || a.sharedWith.has(id))
  return {
    id: b.id,
    name: b.name,
    parentId: b.parentId,
    twoFactorType: b.twoFactorType,
    claimedAppIds: [...b.claimedAppIds],
    agencies: [...b.agencyIds],
    clients: [...b.clientIds],
    members: store.membersOf(id).map(m => ({
      id: m.id,
      email: m.email,
      name: `${m.firstName} ${m.lastName}`.trim(),
      role: m.role,
      tasks: m.tasks,
      isWorkAccount: m.isWorkAccount,
      pendingEmail: m.pendingEmail
    })),
    invites: store.requestsOf(id).map(r => ({
      id: r.id,
      email: r.email,
      role: r.role,
      status: refreshStatus(sim.ctx, r),
      invitedUserType: r.invitedUserType,
      expirationTime: graphTime(r.expirationTime),
      futureMemberId: r.futureMemberId
    })),
    systemUsers: store.systemUsersOf(id).map(s => ({ id: s.id, name: s.name, role: s.role })),
    assets: assets.map(a => ({
      id: a.id,
      type: a.type,
      name: a.name,
      owner: a.ownerBusinessId,
      sharedWith: [...a.sharedWith],
      assignments: Object.fromEntries(store.assignmentsOf(a.id))
    }))
  }
}
