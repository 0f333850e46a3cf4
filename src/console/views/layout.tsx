import type { ComponentChildren } from 'preact'
import { render } from 'preact-render-to-string'
import { assetUrls } from '../assets/routes.js'
import { atLeast, type ConsoleRole } from '../auth/roles.js'

/** What every signed-in page knows: who is there, their CSRF token, the tenant in view, their role. */
export interface PageContext {
  actor: string
  csrf: string
  tenant?: { id: string, name: string } | undefined
  /** The role on the tenant in view (outside a tenant: the highest held); buttons beyond it are not shown. */
  role: ConsoleRole
  /** The whole grant in words, e.g. `viewer; admin of 1 tenant`. */
  access: string
}

/** Whether the page shows a control that needs `needed` (the server refuses it anyway). */
export const may = (ctx: PageContext, needed: ConsoleRole): boolean => atLeast(ctx.role, needed)

export const TENANT_SECTIONS = [
  ['', 'Health'],
  ['people', 'People'],
  ['access-rules', 'Access rules'],
  ['drift', 'Drift'],
  ['sync-runs', 'Sync runs'],
  ['held-removals', 'Held removals'],
  ['queue', 'Queue'],
  ['audit', 'Audit log'],
  ['scim-requests', 'SCIM requests'],
  ['charts', 'Charts']
] as const

export type TenantSection = typeof TENANT_SECTIONS[number][0]

// htmx 2 options (htmx.org/reference/#config): no injected indicator styles (the CSP forbids
// inline styles), no eval or script tags from responses, requests only to this origin, and
// error answers swapped too (they carry a message in place), and reported as errors.
const HTMX_CONFIG = JSON.stringify({
  includeIndicatorStyles: false,
  allowEval: false,
  allowScriptTags: false,
  selfRequestsOnly: true,
  historyCacheSize: 0,
  responseHandling: [
    { code: '204', swap: false },
    { code: '[23]..', swap: true },
    { code: '[45]..', swap: true, error: true }
  ]
})

export function Document (props: {
  title: string,
  ctx?: PageContext | undefined,
  section?: TenantSection | undefined,
  /** A URL to go on to at once (a sign-out that continues at the IdP); the CSP governs no refresh. */
  refresh?: string | undefined,
  children: ComponentChildren
}) {
  const { ctx } = props
  return (
    <html lang='en'>
      <head>
        <meta charset='utf-8' />
        <meta name='viewport' content='width=device-width, initial-scale=1' />
        <meta name='htmx-config' content={HTMX_CONFIG} />
        {props.refresh !== undefined && <meta http-equiv='refresh' content={`0; url=${props.refresh}`} />}
        <title>{`${props.title} · scim-meta-bridge console`}</title>
        <link rel='stylesheet' href={assetUrls.styles} />
        <script src={assetUrls.htmx} defer />
        <script src={assetUrls.behaviour} defer />
      </head>
      <body hx-headers={ctx === undefined ? undefined : JSON.stringify({ 'x-csrf-token': ctx.csrf })}>
        <a class='skip-link' href='#main'>Skip to content</a>
        <header class='top'>
          <a class='brand' href='/ui'>scim-meta-bridge console</a>
          {ctx !== undefined && (
            <nav aria-label='Console'>
              <a href='/ui'>All tenants</a>
            </nav>
          )}
          {ctx !== undefined && (
            <div class='who'>
              <span>Signed in as <strong>{ctx.actor}</strong> <span class='muted'>({ctx.access})</span></span>
              <form class='inline' method='post' action='/ui/sign-out'>
                <input type='hidden' name='_csrf' value={ctx.csrf} />
                <button type='submit'>Sign out</button>
              </form>
            </div>
          )}
        </header>
        {ctx?.tenant !== undefined && <TenantNav tenant={ctx.tenant} section={props.section} />}
        <main id='main' tabindex={-1}>
          {props.children}
        </main>
        <div id='live' class='visually-hidden' role='status' aria-live='polite' aria-atomic='true' />
      </body>
    </html>
  )
}

function TenantNav (props: { tenant: { id: string, name: string }, section: TenantSection | undefined }) {
  const base = `/ui/tenants/${props.tenant.id}`
  return (
    <nav class='tenant' aria-label={`Tenant ${props.tenant.name}`}>
      <ul>
        {TENANT_SECTIONS.map(([path, label]) => (
          <li key={path}>
            <a href={path === '' ? base : `${base}/${path}`} aria-current={props.section === path ? 'page' : undefined}>{label}</a>
          </li>
        ))}
      </ul>
    </nav>
  )
}

/** A whole page as HTML text; preact escapes every text and attribute value. */
export function renderPage (node: preact.VNode): string {
  return `<!doctype html>${render(node)}`
}

/** A fragment for an htmx swap. */
export function renderFragment (node: preact.VNode): string {
  return render(node)
}
