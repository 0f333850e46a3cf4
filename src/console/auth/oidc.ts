import * as client from 'openid-client'
import type { Kysely } from 'kysely'
import type { ConsoleConfig } from '../../config.js'
import type { DB } from '../../db/schema.js'
import { insertSignInFlow, takeSignInFlow } from '../session/console-repository.js'
import { hashSecret, newSecret } from '../session/session-store.js'
import { accessFor, type ConsoleAccess } from './roles.js'

type OidcSettings = NonNullable<ConsoleConfig['oidc']>

/** How long a sign-in may take at the IdP before its state is forgotten. */
const FLOW_TTL_MS = 10 * 60_000

export interface SignedIn { actor: string, subject: string, issuer: string }
export type CallbackOutcome = {
  ok: true, who: SignedIn, access: ConsoleAccess, idToken: string | undefined, returnTo: string
} | { ok: false, reason: string, who?: SignedIn }

const isLoopback = (url: URL): boolean => ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname)

/**
 * Admins sign in at their own IdP (Okta, Entra) with the authorization code flow and PKCE
 * (RFC 7636, S256), `state` against CSRF at the callback and `nonce` against ID token replay
 * (OpenID Connect Core 1.0 §3.1.2.1, §15.5.2). The flow's secrets wait in the database under the
 * hash of a random id the browser holds in a short-lived cookie, and are used once.
 */
export class OidcSignIn {
  #configuration: Promise<client.Configuration> | undefined

  constructor (
    private readonly db: Kysely<DB>,
    private readonly settings: OidcSettings,
    private readonly redirectUri: string,
    private readonly options: { now: () => Date, allowLoopbackHttp: boolean }
  ) {}

  /** Discovery once, retried after a failure (the IdP may be down when the service starts). */
  private async configuration (): Promise<client.Configuration> {
    this.#configuration ??= (async () => {
      const issuer = new URL(this.settings.issuer)
      // Plain HTTP only for an IdP on this machine, and only when tests ask for it.
      const insecure = issuer.protocol === 'http:' && this.options.allowLoopbackHttp && isLoopback(issuer)
      return await client.discovery(issuer, this.settings.clientId, this.settings.clientSecret, undefined,
        insecure ? { execute: [client.allowInsecureRequests] } : undefined)
    })()
    try {
      return await this.#configuration
    } catch (err) {
      this.#configuration = undefined
      throw err
    }
  }

  /** Starts a sign-in: the IdP URL to send the browser to and the flow cookie's value. */
  async begin (returnTo: string): Promise<{ url: string, flowSecret: string }> {
    const config = await this.configuration()
    const codeVerifier = client.randomPKCECodeVerifier()
    const state = client.randomState()
    const nonce = client.randomNonce()
    const flowSecret = newSecret()
    const now = this.options.now()
    await insertSignInFlow(this.db, {
      id_hash: hashSecret(flowSecret),
      state,
      nonce,
      code_verifier: codeVerifier,
      return_to: returnTo,
      expires_at: new Date(now.getTime() + FLOW_TTL_MS)
    }, now)
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: this.redirectUri,
      scope: this.settings.scopes,
      code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: 'S256',
      state,
      nonce
    })
    return { url: url.href, flowSecret }
  }

  /** The IdP's redirect back: exchanges the code, checks the person's groups or roles. */
  async complete (flowSecret: string | undefined, callbackUrl: URL): Promise<CallbackOutcome> {
    if (flowSecret === undefined) return { ok: false, reason: 'the sign-in expired or was started in another browser' }
    const flow = await takeSignInFlow(this.db, hashSecret(flowSecret))
    if (flow === undefined || new Date(flow.expires_at) < this.options.now()) {
      return { ok: false, reason: 'the sign-in expired or was started in another browser' }
    }
    const config = await this.configuration()
    let tokens: Awaited<ReturnType<typeof client.authorizationCodeGrant>>
    try {
      tokens = await client.authorizationCodeGrant(config, callbackUrl, {
        pkceCodeVerifier: flow.code_verifier,
        expectedState: flow.state,
        expectedNonce: flow.nonce,
        idTokenExpected: true
      })
    } catch (err) {
      return { ok: false, reason: `the identity provider's answer was refused: ${(err as Error).message}` }
    }
    const claims = tokens.claims()
    if (claims === undefined) return { ok: false, reason: 'no ID token' }
    let values = claimValues(claims[this.settings.claim])
    let email = typeof claims.email === 'string' ? claims.email : undefined
    // Some IdPs put groups only in UserInfo (OpenID Connect Core §5.4 leaves it to them).
    if (values === undefined || email === undefined) {
      const info = await client.fetchUserInfo(config, tokens.access_token, claims.sub)
      values ??= claimValues(info[this.settings.claim])
      email ??= typeof info.email === 'string' ? info.email : undefined
    }
    const name = email ?? (typeof claims.preferred_username === 'string' ? claims.preferred_username : claims.sub)
    const who = { actor: `console:${name}`, subject: claims.sub, issuer: String(claims.iss) }
    const access = accessFor(values ?? [], this.settings)
    if (access === undefined) return { ok: false, reason: `not in an allowed ${this.settings.claim} value`, who }
    return { ok: true, who, access, idToken: tokens.id_token, returnTo: flow.return_to }
  }

  /**
   * Where to send the browser to end the IdP's session too (OpenID Connect RP-Initiated Logout
   * 1.0 §2): the discovered `end_session_endpoint` with `id_token_hint`, `client_id` and where to
   * come back. Undefined when the IdP advertises none (or cannot be reached): then only the
   * console's session ends.
   */
  async endSessionUrl (idToken: string | undefined, postLogoutRedirectUri: string): Promise<string | undefined> {
    let config: client.Configuration
    try {
      config = await this.configuration()
    } catch {
      return undefined
    }
    if (config.serverMetadata().end_session_endpoint === undefined) return undefined
    const parameters: Record<string, string> = { post_logout_redirect_uri: postLogoutRedirectUri }
    if (idToken !== undefined) parameters.id_token_hint = idToken
    return client.buildEndSessionUrl(config, parameters).href
  }
}

function claimValues (value: unknown): string[] | undefined {
  if (typeof value === 'string') return [value]
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string')
  return undefined
}
