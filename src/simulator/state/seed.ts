import type { SimAssetType } from '../vocabulary.js'
import type { SimApp, SimAsset, SimBusiness, SimMember, SimRoleRequest, SimSystemUser, SimToken, TokenActor } from './model.js'
import type { SimStore } from './store.js'

// Seeding helpers used by the control endpoints, tests and `npm run simulator`.

export interface PersonInput {
  email: string
  firstName?: string
  lastName?: string
  role?: string
  tasks?: string[]
  twoFacStatus?: string
  workAccount?: boolean
}

export interface SeedBusinessInput {
  name?: string
  parentId?: string | null
  twoFactorType?: string
  /** App secret; when set the app requires appsecret_proof unless `requireAppSecret` is false. */
  appSecret?: string | null
  requireAppSecret?: boolean
  /** Claim the token's app (default true); false reproduces the ownership error (§2.1). */
  claimApp?: boolean
  /** Reuse an existing app instead of creating one. */
  appId?: string
  admins?: PersonInput[]
  systemUserRole?: string
}

export interface SeededBusiness {
  business: SimBusiness
  app: SimApp
  systemUser: SimSystemUser
  /** Token of the business's system user. */
  token: string
  admins: SimMember[]
}

function nameFromEmail (email: string): { first: string, last: string } {
  const local = email.split('@')[0] ?? email
  const [first = local, last = ''] = local.split(/[._-]/)
  const cap = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1)
  return { first: cap(first), last: cap(last) }
}

export function seedBusiness (store: SimStore, now: number, input: SeedBusinessInput = {}): SeededBusiness {
  const business: SimBusiness = {
    id: store.nextId(),
    name: input.name ?? 'Simulated Business',
    parentId: input.parentId ?? null,
    twoFactorType: input.twoFactorType ?? 'none',
    claimedAppIds: new Set(),
    agencyIds: new Set(),
    clientIds: new Set(),
    createdTime: now
  }
  store.businesses.set(business.id, business)
  let app = input.appId === undefined ? undefined : store.apps.get(input.appId)
  if (app === undefined) {
    const secret = input.appSecret ?? null
    app = { id: store.nextId(), secret, requireProof: secret !== null && (input.requireAppSecret ?? true) }
    store.apps.set(app.id, app)
  }
  if (input.claimApp ?? true) business.claimedAppIds.add(app.id)
  const admins = (input.admins ?? [{ email: 'admin@example.com' }]).map(p => addMember(store, now, business.id, { role: 'ADMIN', ...p }))
  const systemUser = addSystemUser(store, now, business.id, { name: 'SCIM bridge', role: input.systemUserRole ?? 'ADMIN' })
  const token = addToken(store, {
    businessId: business.id, appId: app.id, actor: { kind: 'system_user', id: systemUser.id }, role: systemUser.role
  })
  return { business, app, systemUser, token: token.value, admins }
}

export function addMember (store: SimStore, now: number, businessId: string, p: PersonInput): SimMember {
  const name = nameFromEmail(p.email)
  const member: SimMember = {
    id: store.nextId(),
    businessId,
    userId: store.nextId(),
    email: p.email,
    firstName: p.firstName ?? name.first,
    lastName: p.lastName ?? name.last,
    role: p.role ?? 'EMPLOYEE',
    tasks: p.tasks ?? [],
    title: null,
    pendingEmail: null,
    financePermission: null,
    ipPermission: null,
    twoFacStatus: p.twoFacStatus ?? 'enabled',
    markedForRemoval: false,
    invitedUserType: p.workAccount === true ? ['MWA'] : ['FB'],
    isWorkAccount: p.workAccount === true,
    visibleFrom: now
  }
  store.members.set(member.id, member)
  return member
}

export function addInvite (store: SimStore, now: number, ttlMs: number, businessId: string, p: {
  email: string, role?: string, tasks?: string[], invitedUserType?: string[], createdBy?: string | null
}): SimRoleRequest {
  const request: SimRoleRequest = {
    id: store.nextId(),
    businessId,
    email: p.email,
    role: p.role ?? 'EMPLOYEE',
    tasks: p.tasks ?? [],
    status: 'pending',
    invitedUserType: p.invitedUserType ?? ['FB'],
    createdTime: now,
    updatedTime: now,
    expirationTime: now + ttlMs,
    futureMemberId: store.nextId(),
    createdBy: p.createdBy ?? null
  }
  store.roleRequests.set(request.id, request)
  return request
}

export function addSystemUser (
  store: SimStore, now: number, businessId: string, p: { name: string, role?: string }
): SimSystemUser {
  const su: SimSystemUser = { id: store.nextId(), businessId, name: p.name, role: p.role ?? 'EMPLOYEE', createdTime: now }
  store.systemUsers.set(su.id, su)
  return su
}

export function addToken (store: SimStore, p: {
  businessId: string,
  appId: string,
  actor: TokenActor,
  role: string,
  twoFactorVerified?: boolean,
  expiresAt?: number | null,
  value?: string,
  permissions?: string[]
}): SimToken {
  const token: SimToken = {
    value: p.value ?? store.newToken(),
    appId: p.appId,
    businessId: p.businessId,
    actor: p.actor,
    role: p.role,
    twoFactorVerified: p.twoFactorVerified ?? true,
    expiresAt: p.expiresAt ?? null,
    ...(p.permissions === undefined ? {} : { permissions: [...p.permissions] })
  }
  store.tokens.set(token.value, token)
  return token
}

export function addAsset (
  store: SimStore, businessId: string, p: { type: SimAssetType, name?: string, unreadable?: boolean }
): SimAsset {
  const n = store.nextId()
  const asset: SimAsset = {
    id: p.type === 'ad_account' ? `act_${n}` : n,
    type: p.type,
    name: p.name ?? `${p.type} ${n}`,
    ownerBusinessId: businessId,
    sharedWith: new Set(),
    ...(p.unreadable === true ? { unreadable: true } : {})
  }
  store.assets.set(asset.id, asset)
  return asset
}

/** Adds a partner: an agency gets access to our assets; a client shares its assets with us. */
export function addPartner (store: SimStore, now: number, businessId: string, p: { kind: 'agency' | 'client', name?: string }): SimBusiness {
  const { business: partner } = seedBusiness(store, now, { name: p.name ?? `${p.kind} partner` })
  const self = store.businesses.get(businessId)
  if (p.kind === 'agency') {
    self?.agencyIds.add(partner.id)
    partner.clientIds.add(businessId)
  } else {
    self?.clientIds.add(partner.id)
    partner.agencyIds.add(businessId)
  }
  return partner
}
