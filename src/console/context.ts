import type { FastifyReply, FastifyRequest } from 'fastify'
import type { Kysely } from 'kysely'
import type { ConsoleConfig } from '../config.js'
import type { PublicOriginSettings } from '../http/public-origin.js'
import type { DB } from '../db/schema.js'
import type { AdminTokenVerifier } from '../admin/admin-token-verifier.js'
import type { AdminProvisioning } from '../admin/provisioning-deps.js'
import type { DecisionDeps } from '../brake/decisions.js'
import type { SyncService } from '../sync/sync-service.js'
import type { TokenService } from '../tenants/token-service.js'
import type { ConsoleSession, SessionStore } from './session/session-store.js'
import type { PageContext } from './views/layout.js'
import type { OidcSignIn } from './auth/oidc.js'
import { describeAccess, highestRole, type ConsoleRole } from './auth/roles.js'
import type { ConsoleTenant } from './security/tenant-scope.js'

/** The settings the console reads: its own, the public origin, and whether loopback issuers are allowed. */
export interface ConsoleSettings extends PublicOriginSettings {
  console: Readonly<ConsoleConfig>
  /** OAUTH_ALLOW_LOOPBACK_ISSUERS: tests only, an OIDC issuer on loopback over http. */
  allowLoopbackIssuers: boolean
}

/** What the console is built from: the same services and repositories as /admin/v1. */
export interface ConsoleDeps {
  config: ConsoleSettings
  db: Kysely<DB>
  tokens: TokenService
  adminTokens: AdminTokenVerifier
  sync?: SyncService | undefined
  removalBrake?: DecisionDeps | undefined
  provisioning?: AdminProvisioning | undefined
  /** The sessions' and decisions' clock; tests move it. */
  now?: (() => Date) | undefined
}

/** The plugin's wiring, shared by its route files. */
export interface ConsoleRuntime extends ConsoleDeps {
  now: () => Date
  sessions: SessionStore
  oidc: OidcSignIn | undefined
  /** `<public origin>/ui/auth/callback`, registered at the IdP. */
  redirectUri: string
  /** `<public origin>/ui/signed-out`, registered at the IdP as a post-logout redirect URI. */
  signedOutUri: string
}

export interface ConsoleAuth {
  session: ConsoleSession
  secret: string
  csrf: string
}

declare module 'fastify' {
  interface FastifyRequest {
    consoleAuth: ConsoleAuth | undefined
    /** The tenant of a `/ui/tenants/:tenantId/…` route, resolved within the session's scope. */
    consoleTenant: ConsoleTenant | undefined
  }
}

export function authOf (request: FastifyRequest): ConsoleAuth {
  const auth = request.consoleAuth
  if (auth === undefined) throw new Error('console route reached without a session')
  return auth
}

/** The session's role for this request: on the route's tenant, else the highest it holds. */
export function roleOf (request: FastifyRequest): ConsoleRole {
  return request.consoleTenant?.role ?? highestRole(authOf(request).session.access)
}

/** Who did it, for a tenant's audit log: the actor and the role they acted in. */
export function actorOf (request: FastifyRequest): { actor: string, role: ConsoleRole } {
  return { actor: authOf(request).session.actor, role: roleOf(request) }
}

export function pageContext (request: FastifyRequest, tenant?: { id: string, name: string }): PageContext {
  const auth = authOf(request)
  return {
    actor: auth.session.actor.replace(/^console:/, ''),
    csrf: auth.csrf,
    tenant,
    role: roleOf(request),
    access: describeAccess(auth.session.access)
  }
}

export async function sendHtml (reply: FastifyReply, html: string, status = 200): Promise<FastifyReply> {
  return await reply.code(status).type('text/html; charset=utf-8').send(html)
}

export const isHtmx = (request: FastifyRequest): boolean => request.headers['hx-request'] === 'true'
