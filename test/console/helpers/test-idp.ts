import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import { createServer as createNetServer } from 'node:net'
import Provider from 'oidc-provider'

interface Teardown { teardown: (fn: () => unknown) => void }

/** A port free right now on 127.0.0.1, for an app whose public URL must be known before it listens. */
export async function freePort (): Promise<number> {
  const server = createNetServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  await new Promise<void>((resolve) => server.close(() => { resolve() }))
  return typeof address === 'object' && address !== null ? address.port : 0
}

export const CLIENT_ID = 'bridge-console'
export const CLIENT_SECRET = 'test-console-client-secret-0123456789'
export const ALLOWED_GROUP = 'bridge-admins'
export const VIEWER_GROUP = 'bridge-viewers'
export const OPERATOR_GROUP = 'bridge-operators'
export const SCOPED_ADMIN_GROUP = 'acme-admins'

/** Each person's groups: alice in the allowed group, bob in none of the console's. */
const GROUPS: Record<string, string[]> = {
  alice: [ALLOWED_GROUP, 'staff'],
  bob: ['staff'],
  vera: [VIEWER_GROUP, 'staff'],
  otto: [OPERATOR_GROUP],
  sam: [SCOPED_ADMIN_GROUP]
}

/**
 * An OpenID provider in this process (oidc-provider, over loopback HTTP) with the people of
 * GROUPS. Its development login form takes any password. RP-initiated logout is on (the
 * library's default) and comes back to `postLogoutRedirectUri` when given.
 */
export async function startTestIdp (
  t: Teardown, redirectUri: string, postLogoutRedirectUri?: string
): Promise<{ issuer: string }> {
  let handle: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => { res.statusCode = 503; res.end() }
  const server = createServer((req, res) => { handle(req, res) })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.teardown(() => new Promise<void>((resolve) => server.close(() => { resolve() })))
  const address = server.address()
  const issuer = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`
  const provider = new Provider(issuer, {
    clients: [{
      client_id: CLIENT_ID,
      client_secret: CLIENT_SECRET,
      redirect_uris: [redirectUri],
      grant_types: ['authorization_code'],
      response_types: ['code'],
      ...(postLogoutRedirectUri === undefined ? {} : { post_logout_redirect_uris: [postLogoutRedirectUri] })
    }],
    pkce: { required: () => true },
    claims: { openid: ['sub'], email: ['email'], groups: ['groups'] },
    scopes: ['openid', 'email', 'groups'],
    findAccount: async (_ctx, id) => ({
      accountId: id,
      claims: async () => ({ sub: id, email: `${id}@example.com`, groups: GROUPS[id] ?? [] })
    }),
    features: { devInteractions: { enabled: true } }
  })
  handle = provider.callback()
  return { issuer }
}
