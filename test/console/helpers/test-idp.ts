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

/**
 * An OpenID provider in this process (oidc-provider, over loopback HTTP) with two people:
 * alice in the allowed group, bob not. Its development login form takes any password.
 */
export async function startTestIdp (t: Teardown, redirectUri: string): Promise<{ issuer: string }> {
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
      response_types: ['code']
    }],
    pkce: { required: () => true },
    claims: { openid: ['sub'], email: ['email'], groups: ['groups'] },
    scopes: ['openid', 'email', 'groups'],
    findAccount: async (_ctx, id) => ({
      accountId: id,
      claims: async () => ({ sub: id, email: `${id}@example.com`, groups: id === 'alice' ? [ALLOWED_GROUP, 'staff'] : ['staff'] })
    }),
    features: { devInteractions: { enabled: true } }
  })
  handle = provider.callback()
  return { issuer }
}
