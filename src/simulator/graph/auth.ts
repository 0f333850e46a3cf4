import { createHmac, timingSafeEqual } from 'node:crypto'
import type { SimContext } from '../context.js'
import type { SimApp, SimToken } from '../state/model.js'
import { GraphError } from './graph-error.js'
import { str } from './params.js'
import type { GraphRequest } from './request.js'

// Token and appsecret_proof checks (reference §1.2, §7).

export type ProofState = 'none' | 'valid' | 'invalid'

function hmac (secret: string, message: string): Buffer {
  return createHmac('sha256', secret).update(message).digest()
}

function sameHex (expected: Buffer, given: string): boolean {
  const buf = Buffer.from(given, 'hex')
  return buf.length === expected.length && timingSafeEqual(buf, expected)
}

/** Checks the proof: timestamped form within the window, legacy untimed form only by setting. */
export function checkProof (ctx: SimContext, app: SimApp, req: GraphRequest, token: string): ProofState {
  const proof = str(req.params, 'appsecret_proof')
  if (proof === undefined) return 'none'
  if (app.secret === null) return 'invalid'
  const time = str(req.params, 'appsecret_time')
  if (time === undefined) {
    return ctx.settings.acceptLegacyProof && sameHex(hmac(app.secret, token), proof) ? 'valid' : 'invalid'
  }
  const t = Number(time)
  const age = Math.abs(Math.floor(ctx.now() / 1000) - t)
  if (!Number.isInteger(t) || age > ctx.settings.proofWindowSec) return 'invalid'
  return sameHex(hmac(app.secret, `${token}|${time}`), proof) ? 'valid' : 'invalid'
}

export interface Authenticated {
  token: SimToken
  app: SimApp
  proof: ProofState
}

export function authenticate (ctx: SimContext, req: GraphRequest): Authenticated | {
  error: GraphError, proof: ProofState
} {
  if (req.token === null) {
    return { proof: 'none', error: new GraphError({ code: 104, type: 'OAuthException', status: 400, message: 'An access token is required to request this resource.' }) }
  }
  const token = ctx.store.tokens.get(req.token)
  const app = token === undefined ? undefined : ctx.store.apps.get(token.appId)
  if (token === undefined || app === undefined) {
    return { proof: 'none', error: new GraphError({ code: 190, type: 'OAuthException', status: 400, message: 'Invalid OAuth access token - Cannot parse access token' }) }
  }
  const proof = checkProof(ctx, app, req, req.token)
  if (token.expiresAt !== null && ctx.now() >= token.expiresAt) {
    return { proof, error: new GraphError({ code: 190, subcode: 463, type: 'OAuthException', status: 400, message: 'Error validating access token: Session has expired.' }) }
  }
  if (proof === 'invalid') return { proof, error: new GraphError(ctx.settings.proofError) }
  if (proof === 'none' && app.requireProof) {
    return { proof, error: new GraphError({ ...ctx.settings.proofError, message: 'API calls from the server require an appsecret_proof argument' }) }
  }
  return { token, app, proof }
}

/** App ownership, token scope, admin-only people management and the 2FA rule (§2.1, §7, §3.1). */
export function authorize (
  ctx: SimContext, auth: Authenticated, businessId: string, route: string, peopleWrite: boolean
): GraphError | null {
  const { settings, store } = ctx
  const business = store.businesses.get(businessId)
  if (business === undefined) return new GraphError(settings.permissionError)
  const parent = business.parentId === null ? undefined : store.businesses.get(business.parentId)
  const claimed = business.claimedAppIds.has(auth.app.id) || parent?.claimedAppIds.has(auth.app.id) === true
  if (!claimed) return new GraphError(settings.appOwnershipError)
  if (auth.token.businessId !== businessId) return new GraphError(settings.permissionError)
  if (peopleWrite && settings.peopleManagementRequiresAdmin && auth.token.role !== 'ADMIN') {
    return new GraphError(settings.permissionError)
  }
  const enforced = business.twoFactorType === 'all_required' ||
    (business.twoFactorType === 'admin_required' && auth.token.role === 'ADMIN')
  if (enforced && settings.twoFactorRoutes.includes(route) && !auth.token.twoFactorVerified) {
    return new GraphError(settings.twoFactorError)
  }
  return null
}
