import { required } from '../graph/params.js'
import { permissionsOf } from '../graph/permissions.js'
import type { HandlerInput } from '../graph/request.js'

// GET /debug_token?input_token=… (Graph API reference "Debug Token"; Meta's security guide asks
// servers to check their tokens with it regularly): whether a token is valid, its app, its
// user, when it expires (0: never, as for system-user tokens) and the permissions it holds.

export function debugToken (input: HandlerInput): unknown {
  const { ctx, req } = input
  const value = required(req.params, 'input_token')
  const token = ctx.store.tokens.get(value)
  if (token === undefined) {
    return { data: { is_valid: false, scopes: [], error: { code: 190, message: 'Invalid OAuth access token.' } } }
  }
  const seconds = (ms: number): number => Math.floor(ms / 1000)
  const scopes = permissionsOf(ctx, token)
  return {
    data: {
      app_id: token.appId,
      type: token.actor.kind === 'system_user' ? 'SYSTEM_USER' : 'USER',
      is_valid: token.expiresAt === null || ctx.now() < token.expiresAt,
      issued_at: seconds(token.issuedAt ?? 0),
      expires_at: token.expiresAt === null ? 0 : seconds(token.expiresAt),
      data_access_expires_at: 0,
      scopes,
      granular_scopes: scopes.map(scope => ({ scope, target_ids: [token.businessId] })),
      user_id: token.actor.id
    }
  }
}
