import type { SimContext } from '../context.js'
import type { SimToken } from '../state/model.js'
import { GraphError, withId } from './graph-error.js'
import type { GraphRequest } from './request.js'

// The token's permissions against what the route needs (permission-settings.ts), and assets
// the token cannot read. Runs after the role checks of auth.ts, like Graph's own order is
// unknown; either way the call fails before it does anything.

/** The permissions a token holds: its own list, else the settings' default grant. */
export function permissionsOf (ctx: SimContext, token: SimToken): string[] {
  return token.permissions ?? ctx.settings.permissions.granted
}

export function checkPermissions (
  ctx: SimContext, req: GraphRequest, token: SimToken, route: string
): GraphError | null {
  const { permissions } = ctx.settings
  const asset = ctx.store.assets.get(req.segments[0] ?? '')
  if (asset?.unreadable === true) return withId(permissions.unreadableAssetError, asset.id)
  const key = asset === undefined ? route : `${route}:${asset.type}`
  const needs = permissions.required[key] ?? permissions.required[route] ?? []
  const held = new Set(permissionsOf(ctx, token))
  const missing = needs.filter(p => !held.has(p))
  if (missing.length === 0) return null
  const spec = permissions.errors[key] ?? permissions.errors[route] ?? permissions.missingPermissionError
  return new GraphError({ ...spec, message: spec.message.replace('{permission}', missing.join(', ')) })
}
