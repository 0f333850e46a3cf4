import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { publicOrigin } from '../http/public-origin.js'
import { assetRoutes } from './assets/routes.js'
import { OidcSignIn } from './auth/oidc.js'
import { roleNeeded } from './auth/permissions.js'
import { atLeast } from './auth/roles.js'
import { signInRoutes } from './auth/sign-in-routes.js'
import { isHtmx, roleOf, sendHtml, type ConsoleDeps, type ConsoleRuntime } from './context.js'
import { readCookie, SESSION_COOKIE } from './security/cookies.js'
import { csrfTokenFor, csrfTokenOf, csrfTokenValid, sameOrigin } from './security/csrf.js'
import { applySecurityHeaders, contentSecurityPolicy } from './security/headers.js'
import { expectedOrigin } from './security/origin.js'
import { resolveConsoleTenant } from './security/tenant-scope.js'
import { recordConsoleEvent } from './session/events.js'
import { SessionStore } from './session/session-store.js'
import { Document, renderPage } from './views/layout.js'
import { consolePages } from './pages/index.js'

/** `application/x-www-form-urlencoded` into an object; a repeated name becomes a list. */
function parseForm (text: string): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {}
  for (const [key, value] of new URLSearchParams(text)) {
    const had = out[key]
    out[key] = had === undefined ? value : Array.isArray(had) ? [...had, value] : [had, value]
  }
  return out
}

function ErrorPage (props: { status: number, message: string }) {
  return (
    <Document title={`Error ${props.status}`}>
      <h1>{props.status === 404 ? 'Not found' : props.status === 403 ? 'Refused' : 'Something went wrong'}</h1>
      <p>{props.message}</p>
      <p><a href='/ui'>Back to all tenants</a></p>
    </Document>
  )
}

/**
 * The admin console under /ui: server-rendered HTML with htmx, signed in by OIDC or the admin
 * token, a server-side session cookie, CSRF tokens and an Origin check on every state change.
 * It calls the services and repositories /admin/v1 uses, never the JSON API; /admin/v1 keeps
 * its bearer tokens and never reads these cookies.
 */
export async function consolePlugin (app: FastifyInstance, deps: ConsoleDeps): Promise<void> {
  const now = deps.now ?? (() => new Date())
  const c = deps.config.console
  const sessions = new SessionStore(
    deps.db, { idleMs: c.idleMinutes * 60_000, absoluteMs: c.maxHours * 3_600_000 }, now
  )
  const redirectUri = `${publicOrigin(deps.config)}/ui/auth/callback`
  const signedOutUri = `${publicOrigin(deps.config)}/ui/signed-out`
  const oidc = c.oidc === undefined
    ? undefined
    : new OidcSignIn(deps.db, c.oidc, redirectUri, { now, allowLoopbackHttp: deps.config.allowLoopbackIssuers })
  const rt: ConsoleRuntime = { ...deps, now, sessions, oidc, redirectUri, signedOutUri }

  app.decorateRequest('consoleAuth', undefined)
  app.decorateRequest('consoleTenant', undefined)
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) => {
    done(null, parseForm(String(body)))
  })
  const csp = contentSecurityPolicy(c.oidc === undefined ? [] : [new URL(c.oidc.issuer).origin])
  app.addHook('onRequest', async (_request, reply) => { applySecurityHeaders(reply, false, csp) })
  app.setErrorHandler(async (err: FastifyError & { status?: number }, request: FastifyRequest, reply: FastifyReply) => {
    const status = err.statusCode ?? err.status ?? 500
    if (status >= 500) request.log.error({ err }, 'console request failed')
    const message = status >= 500 ? 'The server could not complete this request; it has been logged.' : err.message
    if (isHtmx(request)) return await reply.code(status).type('text/plain; charset=utf-8').send(message)
    return await sendHtml(reply, renderPage(<ErrorPage status={status} message={message} />), status)
  })

  await app.register(assetRoutes)
  await app.register(async (scope) => { await signInRoutes(scope, rt) })

  // Everything else needs a live session, and a tenant in its scope; state changes also need the
  // CSRF token, our Origin, and a role that may make them.
  await app.register(async (scope) => {
    scope.addHook('onRequest', async (request, reply) => {
      const secret = readCookie(request.headers.cookie, SESSION_COOKIE)
      const session = secret === undefined ? undefined : await sessions.resolve(secret)
      if (secret === undefined || session === undefined) {
        if (isHtmx(request)) return await reply.header('hx-redirect', '/ui/sign-in').code(401).send('Signed out')
        if (request.method === 'GET') return await reply.code(303).redirect(`/ui/sign-in?next=${encodeURIComponent(request.url)}`)
        return await reply.code(401).type('text/plain; charset=utf-8').send('Sign in first.')
      }
      request.consoleAuth = { session, secret, csrf: csrfTokenFor(secret) }
      // Every route under /ui/tenants/:tenantId: another tenant than the session's is a 404.
      if ((request.params as { tenantId?: unknown } | undefined)?.tenantId !== undefined) {
        request.consoleTenant = await resolveConsoleTenant(deps.db, session.access, request.params)
      }
    })
    scope.addHook('preHandler', async (request, reply) => {
      if (request.method === 'GET' || request.method === 'HEAD') return
      const auth = request.consoleAuth
      if (
        auth === undefined || !sameOrigin(request, expectedOrigin(deps.config, request)) ||
        !csrfTokenValid(auth.secret, csrfTokenOf(request))
      ) {
        request.log.warn({ url: request.url }, 'console: state change refused (CSRF token or Origin)')
        return await reply.code(403).type('text/plain; charset=utf-8').send('Refused: missing or wrong CSRF token, or another origin.')
      }
    })
    // The role check after the CSRF check: a forged request learns nothing about the role.
    scope.addHook('preHandler', async (request, reply) => {
      const auth = request.consoleAuth
      if (auth === undefined) return
      const needed = roleNeeded(request.method, request.routeOptions.url)
      const role = roleOf(request)
      if (atLeast(role, needed)) return
      request.log.warn({ url: request.url, role, needed }, 'console: refused for the role')
      await recordConsoleEvent(deps.db, now(), {
        actor: auth.session.actor,
        action: 'forbidden',
        outcome: 'refused',
        detail: {
          method: request.method,
          route: request.routeOptions.url,
          role,
          needed,
          tenantId: request.consoleTenant?.tenant.id
        }
      })
      const message = `Refused: this needs the ${needed} role, and you are ${role === 'viewer' ? 'a' : 'an'} ${role}` +
        `${request.consoleTenant === undefined ? '' : ' here'}. Ask an admin of the console if you need it.`
      if (isHtmx(request)) return await reply.code(403).type('text/plain; charset=utf-8').send(message)
      return await sendHtml(reply, renderPage(<ErrorPage status={403} message={message} />), 403)
    })
    await consolePages(scope, rt)
  })
}
