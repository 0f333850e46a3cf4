import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { TokenBuckets } from '../../http/token-bucket.js'
import { isHtmx, sendHtml, type ConsoleRuntime } from '../context.js'
import { clearCookie, FLOW_COOKIE, readCookie, SESSION_COOKIE, setCookie } from '../security/cookies.js'
import { csrfTokenValid, csrfTokenOf, sameOrigin } from '../security/csrf.js'
import { recordConsoleEvent } from '../session/events.js'
import { Notice } from '../views/components.js'
import { Document, renderPage } from '../views/layout.js'
import { expectedOrigin } from '../security/origin.js'
import { describeAccess, FULL_ADMIN, type ConsoleAccess } from './roles.js'

/** Only a path inside the console: never an absolute or protocol-relative URL (open redirect). */
export function safeReturnTo (next: unknown): string {
  return typeof next === 'string' && /^\/ui(\/|$|\?)/.test(next) && !next.startsWith('//') && !next.includes('\\') ? next : '/ui'
}

function SignInPage (props: {
  oidc: boolean, token: boolean, next: string, message?: string | undefined, insecureHost: boolean
}) {
  return (
    <Document title='Sign in'>
      <h1>Sign in to the console</h1>
      {props.message !== undefined && <Notice tone='bad' announce={props.message}>{props.message}</Notice>}
      {props.insecureHost && (
        <Notice tone='bad'>
          This address uses plain HTTP on a host that is not this machine:
          browsers drop the console's Secure cookie here.
          Use HTTPS (set PUBLIC_BASE_URL), or open the console on http://127.0.0.1 or http://localhost.
        </Notice>
      )}
      {props.oidc && (
        <section aria-labelledby='oidc-heading'>
          <h2 id='oidc-heading'>With your identity provider</h2>
          <p><a class='button primary' href={`/ui/sign-in/oidc?next=${encodeURIComponent(props.next)}`}>Sign in with your identity provider</a></p>
        </section>
      )}
      {props.token && (
        <section aria-labelledby='token-heading'>
          <h2 id='token-heading'>With an admin token (break-glass)</h2>
          <form method='post' action='/ui/sign-in/token'>
            <input type='hidden' name='next' value={props.next} />
            <div class='field'>
              <label for='admin-token'>Admin token</label>
              <input id='admin-token' name='token' type='password' autocomplete='off' required size={50} />
            </div>
            <p><button type='submit'>Sign in with the admin token</button></p>
          </form>
        </section>
      )}
      {!props.oidc && !props.token && (
        <Notice tone='bad'>No sign-in method is configured: set CONSOLE_OIDC_* or CONSOLE_TOKEN_SIGN_IN=true (docs/console.md).</Notice>
      )}
    </Document>
  )
}

function LeavingPage (props: { to: string }) {
  return (
    <Document title='Signing out' refresh={props.to}>
      <h1>Signed out of the console</h1>
      <p><a class='button primary' href={props.to}>Continue to sign out at your identity provider</a></p>
    </Document>
  )
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]'])

/** Sign-in with OIDC or the admin token, and sign-out; every attempt is recorded. */
export async function signInRoutes (app: FastifyInstance, rt: ConsoleRuntime): Promise<void> {
  const { db, config } = rt
  const maxAgeSeconds = config.console.maxHours * 3600
  // A guessing limit on the break-glass form, per client address (OWASP Authentication Cheat Sheet).
  const attempts = new TokenBuckets({ perMinute: 10, burst: 5, now: () => rt.now().getTime() })

  const showSignIn = async (request: FastifyRequest, reply: FastifyReply, message?: string, status = 200) => {
    const next = safeReturnTo(
      (request.query as Record<string, unknown> | undefined)?.next ??
        (request.body as Record<string, unknown> | undefined)?.next
    )
    const host = (request.headers.host ?? '').replace(/:\d+$/, '')
    const insecureHost = config.publicBaseUrl === undefined && request.protocol === 'http' && !LOOPBACK.has(host)
    return await sendHtml(reply, renderPage(
      <SignInPage
        oidc={rt.oidc !== undefined}
        token={config.console.tokenSignIn}
        next={next}
        message={message}
        insecureHost={insecureHost}
      />
    ), status)
  }

  const startSession = async (reply: FastifyReply, request: FastifyRequest, who: {
    actor: string, method: 'oidc' | 'token', subject: string, issuer: string | null, access: ConsoleAccess, idToken?: string | undefined
  }, returnTo: string) => {
    // The old session (if any) ends: a sign-in always gets a new id (session fixation).
    const previous = readCookie(request.headers.cookie, SESSION_COOKIE)
    if (previous !== undefined) {
      const old = await rt.sessions.resolve(previous)
      if (old !== undefined) await rt.sessions.revoke(old.idHash)
    }
    const { secret } = await rt.sessions.create(who)
    await recordConsoleEvent(db, rt.now(), {
      actor: who.actor,
      action: 'sign_in',
      outcome: 'applied',
      detail: {
        method: who.method,
        ip: request.ip,
        access: describeAccess(who.access),
        role: who.access.role,
        tenants: who.access.tenants
      }
    })
    void reply.header('set-cookie', setCookie(SESSION_COOKIE, secret, maxAgeSeconds))
    return await reply.code(303).redirect(returnTo)
  }

  app.get('/ui/sign-in', async (request, reply) => await showSignIn(request, reply))

  app.post('/ui/sign-in/token', async (request, reply) => {
    if (!sameOrigin(request, expectedOrigin(config, request))) return await showSignIn(request, reply, 'Refused: the form was not sent from this console.', 403)
    if (!config.console.tokenSignIn) return await showSignIn(request, reply, 'Admin token sign-in is turned off.', 403)
    const limited = attempts.take(request.ip)
    if (!limited.allowed) {
      void reply.header('retry-after', String(limited.retryAfterSeconds))
      return await showSignIn(request, reply, `Too many attempts; try again in ${limited.retryAfterSeconds} seconds.`, 429)
    }
    const body = (request.body ?? {}) as Record<string, unknown>
    const token = typeof body.token === 'string' ? body.token.trim() : ''
    if (token === '' || !(await rt.adminTokens.verify(token))) {
      await recordConsoleEvent(db, rt.now(), { actor: 'console:break-glass', action: 'sign_in', outcome: 'refused', detail: { method: 'token', ip: request.ip } })
      return await showSignIn(request, reply, 'That admin token is not valid.', 401)
    }
    // Break-glass is for when the IdP and its groups are unavailable: always admin of everything.
    return await startSession(
      reply, request, { actor: 'console:break-glass', method: 'token', subject: 'admin-token', issuer: null, access: FULL_ADMIN },
      safeReturnTo(body.next)
    )
  })

  app.get('/ui/sign-in/oidc', async (request, reply) => {
    if (rt.oidc === undefined) return await showSignIn(request, reply, 'Sign-in with an identity provider is not configured.', 404)
    const next = safeReturnTo((request.query as Record<string, unknown>).next)
    let started: { url: string, flowSecret: string }
    try {
      started = await rt.oidc.begin(next)
    } catch (err) {
      request.log.warn({ err }, 'console: OIDC discovery failed')
      return await showSignIn(request, reply, 'The identity provider could not be reached; try again, or use the admin token.', 502)
    }
    void reply.header('set-cookie', setCookie(FLOW_COOKIE, started.flowSecret, 600))
    return await reply.code(303).redirect(started.url)
  })

  app.get('/ui/auth/callback', async (request, reply) => {
    if (rt.oidc === undefined) return await showSignIn(request, reply, 'Sign-in with an identity provider is not configured.', 404)
    const query = request.query as Record<string, unknown>
    void reply.header('set-cookie', clearCookie(FLOW_COOKIE))
    if (typeof query.error === 'string') {
      return await showSignIn(request, reply, `The identity provider refused the sign-in (${query.error}).`, 401)
    }
    const callbackUrl = new URL(request.url, rt.redirectUri)
    const outcome = await rt.oidc.complete(readCookie(request.headers.cookie, FLOW_COOKIE), callbackUrl)
    if (!outcome.ok) {
      await recordConsoleEvent(db, rt.now(), {
        actor: outcome.who?.actor ?? 'console:unknown', action: 'sign_in', outcome: 'refused', detail: { method: 'oidc', reason: outcome.reason, ip: request.ip }
      })
      request.log.info({ reason: outcome.reason }, 'console: OIDC sign-in refused')
      return await showSignIn(request, reply, `Sign-in refused: ${outcome.reason}.`, 403)
    }
    return await startSession(
      reply, request, { ...outcome.who, method: 'oidc', access: outcome.access, idToken: outcome.idToken }, outcome.returnTo
    )
  })

  app.post('/ui/sign-out', async (request, reply) => {
    const secret = readCookie(request.headers.cookie, SESSION_COOKIE)
    const session = secret === undefined ? undefined : await rt.sessions.resolve(secret)
    if (secret === undefined || session === undefined) return await reply.code(303).redirect('/ui/sign-in')
    // Signing out is a state change too: same origin and the session's token.
    if (!sameOrigin(request, expectedOrigin(config, request)) || !csrfTokenValid(secret, csrfTokenOf(request))) {
      return await reply.code(403).type('text/plain; charset=utf-8').send('Refused: missing or wrong CSRF token, or another origin.')
    }
    const { idToken } = await rt.sessions.revoke(session.idHash, secret)
    // An OIDC session ends at the IdP too when it offers RP-initiated logout; the local session
    // is gone already, whatever the IdP then does.
    const endSession = session.method === 'oidc' && rt.oidc !== undefined
      ? await rt.oidc.endSessionUrl(idToken, rt.signedOutUri)
      : undefined
    await recordConsoleEvent(db, rt.now(), {
      actor: session.actor, action: 'sign_out', outcome: 'applied', detail: { ip: request.ip, atIdp: endSession !== undefined }
    })
    void reply.header('set-cookie', clearCookie(SESSION_COOKIE))
    const issuerOrigin = config.console.oidc === undefined ? undefined : new URL(config.console.oidc.issuer).origin
    if (endSession !== undefined && new URL(endSession).origin !== issuerOrigin) {
      // The CSP lets forms reach the issuer's origin only; an end-session endpoint elsewhere is
      // a link (and a refresh) the browser follows as a plain navigation.
      return await sendHtml(reply, renderPage(<LeavingPage to={endSession} />))
    }
    const to = endSession ?? '/ui/sign-in'
    if (isHtmx(request)) return await reply.header('hx-redirect', to).code(204).send()
    return await reply.code(303).redirect(to)
  })

  // Where the IdP sends the browser back after RP-initiated logout (post_logout_redirect_uri).
  app.get('/ui/signed-out', async (_request, reply) => await sendHtml(reply, renderPage(
    <Document title='Signed out'>
      <h1>Signed out</h1>
      <p>You are signed out of the console and of your identity provider.</p>
      <p><a class='button primary' href='/ui/sign-in'>Sign in again</a></p>
    </Document>
  )))
}
