import type { SimContext } from './context.js'
import { createBatchRunner } from './graph/batch.js'
import { CallLog } from './graph/call-log.js'
import { GraphDispatcher } from './graph/dispatcher.js'
import { FaultQueue } from './graph/faults.js'
import { RateLimiter } from './graph/rate-limiter.js'
import { defaultSettings, mergeSettings, type DeepPartial, type SimulatorSettings } from './settings.js'
import { acceptInvite, closeInvite, makeWorkAccount } from './state/lifecycle.js'
import type { SimMember, SimRoleRequest } from './state/model.js'
import * as seed from './state/seed.js'
import { SimStore } from './state/store.js'

export interface SimulatorOptions {
  settings?: DeepPartial<SimulatorSettings>
  /** Clock for expiry, rate windows and appsecret_time; tests pass a manual one. */
  now?: () => number
}

/**
 * The simulated Business Manager: state, settings, rate limiter, faults and call log, plus the
 * controls that tests, demos and the /__sim endpoints use. Not part of Meta's API.
 */
export class Simulator {
  readonly store = new SimStore()
  readonly ctx: SimContext
  readonly limiter: RateLimiter
  readonly faults = new FaultQueue()
  readonly calls = new CallLog()
  readonly dispatcher: GraphDispatcher
  private readonly initialSettings: DeepPartial<SimulatorSettings> | undefined

  constructor (options: SimulatorOptions = {}) {
    this.initialSettings = options.settings
    this.ctx = {
      store: this.store,
      settings: mergeSettings(defaultSettings(), options.settings),
      now: options.now ?? (() => Date.now())
    }
    this.limiter = new RateLimiter(() => this.ctx.settings.rateLimits, () => this.ctx.now())
    this.dispatcher = new GraphDispatcher(this.ctx, this.limiter, this.faults, this.calls)
    this.dispatcher.batchRunner = createBatchRunner(this.ctx, this.dispatcher)
  }

  get settings (): SimulatorSettings {
    return this.ctx.settings
  }

  now (): number {
    return this.ctx.now()
  }

  updateSettings (patch: DeepPartial<SimulatorSettings>): SimulatorSettings {
    this.ctx.settings = mergeSettings(this.ctx.settings, patch)
    return this.ctx.settings
  }

  /** Empties everything and restores the settings the simulator started with. */
  reset (): void {
    this.store.clear()
    this.faults.clear()
    this.calls.clear()
    this.limiter.reset()
    this.ctx.settings = mergeSettings(defaultSettings(), this.initialSettings)
  }

  seedBusiness (input: seed.SeedBusinessInput = {}): seed.SeededBusiness {
    return seed.seedBusiness(this.store, this.now(), input)
  }

  addMember (businessId: string, p: seed.PersonInput): SimMember {
    return seed.addMember(this.store, this.now(), this.business(businessId).id, p)
  }

  addInvite (businessId: string, p: Parameters<typeof seed.addInvite>[4]): SimRoleRequest {
    return seed.addInvite(this.store, this.now(), this.settings.inviteTtlMs, this.business(businessId).id, p)
  }

  addSystemUser (businessId: string, p: { name: string, role?: SimMember['role'], withToken?: boolean, twoFactorVerified?: boolean }) {
    const business = this.business(businessId)
    const systemUser = seed.addSystemUser(this.store, this.now(), business.id, p)
    const appId = [...business.claimedAppIds][0] ?? [...this.store.apps.keys()][0] ?? ''
    const token = p.withToken === false
      ? null
      : seed.addToken(this.store, { businessId, appId, actor: { kind: 'system_user', id: systemUser.id }, role: systemUser.role, twoFactorVerified: p.twoFactorVerified }).value
    return { systemUser, token }
  }

  addToken (p: Parameters<typeof seed.addToken>[1]): string {
    return seed.addToken(this.store, p).value
  }

  addAsset (businessId: string, p: { type: Parameters<typeof seed.addAsset>[2]['type'], name?: string, sharedWith?: string[], unreadable?: boolean }) {
    const asset = seed.addAsset(this.store, this.business(businessId).id, p)
    for (const id of p.sharedWith ?? []) asset.sharedWith.add(id)
    return asset
  }

  addPartner (businessId: string, p: { kind: 'agency' | 'client', name?: string }) {
    return seed.addPartner(this.store, this.now(), this.business(businessId).id, p)
  }

  assign (assetId: string, personId: string, tasks: string[]): void {
    this.store.assignmentsOf(assetId).set(personId, [...tasks])
  }

  /** An asset the token can list but not load (a partner's asset, no permission), or readable again. */
  setAssetReadable (assetId: string, readable: boolean): void {
    const asset = this.store.assets.get(assetId)
    if (asset === undefined) throw new Error(`no asset ${assetId}`)
    if (readable) delete asset.unreadable
    else asset.unreadable = true
  }

  /** Takes permissions out of (or back into) the default grant every token without its own list holds. */
  changePermissions (change: { grant?: string[], revoke?: string[] }): string[] {
    const held = new Set(this.settings.permissions.granted)
    for (const p of change.grant ?? []) held.add(p)
    for (const p of change.revoke ?? []) held.delete(p)
    this.settings.permissions.granted = [...held]
    return this.settings.permissions.granted
  }

  acceptInvite (requestId: string, p: { firstName?: string, lastName?: string } = {}): SimMember {
    return acceptInvite(this.ctx, this.request(requestId), p)
  }

  declineInvite (requestId: string): void {
    closeInvite(this.ctx, this.request(requestId), 'declined')
  }

  expireInvite (requestId: string): void {
    closeInvite(this.ctx, this.request(requestId), 'expired')
  }

  makeWorkAccount (memberId: string): SimMember {
    const member = this.store.members.get(memberId)
    if (member === undefined) throw new Error(`no member ${memberId}`)
    makeWorkAccount(member)
    return member
  }

  private business (id: string) {
    const b = this.store.businesses.get(id)
    if (b === undefined) throw new Error(`no business ${id}`)
    return b
  }

  private request (id: string): SimRoleRequest {
    const r = this.store.roleRequests.get(id)
    if (r === undefined) throw new Error(`no invite ${id}`)
    return r
  }
}
