import type { FastifyInstance } from 'fastify'
import { queryRequestLog } from '../../request-log/scim-requests-repository.js'
import { sendHtml, type ConsoleRuntime } from '../context.js'
import { Badge, DataTable, When, urlWith } from '../views/components.js'
import { Document, renderPage } from '../views/layout.js'
import { queryOf, tenantPage } from './tenant.js'

const PAGE = 50
const CLASSES = ['2xx', '3xx', '4xx', '5xx'] as const
const IDPS = ['okta', 'entra', 'other'] as const

/** The SCIM request log: what the IdP sent and what the bridge answered, newest first, keyset paged. */
export async function scimRequestsPage (app: FastifyInstance, rt: ConsoleRuntime): Promise<void> {
  app.get('/ui/tenants/:tenantId/scim-requests', async (request, reply) => {
    const { tenant, ctx, base } = await tenantPage(rt, request)
    const q = queryOf(request)
    const statusClass = CLASSES.find((c) => c === q.status_class)
    const idp = IDPS.find((i) => i === q.idp)
    const user = (q.user ?? '').trim().slice(0, 300) || undefined
    const cursor = /^\d{1,18}$/.test(q.cursor ?? '') ? q.cursor : undefined
    const rows = await queryRequestLog(rt.db, tenant.id, { limit: PAGE, before: cursor, statusClass, idp, user })
    const path = `${base}/scim-requests`
    const last = rows.at(-1)
    const html = renderPage(
      <Document title={`${tenant.name} SCIM requests`} ctx={ctx} section='scim-requests'>
        <h1>SCIM requests to {tenant.name}</h1>
        <form
          class='filters' method='get' action={path} role='search' aria-label='Filter SCIM requests'
          hx-get={path} hx-target='#scim-results' hx-select='#scim-results' hx-swap='outerHTML' hx-push-url='true'
        >
          <div>
            <label for='s-class'>Status</label>
            <select id='s-class' name='status_class'>
              <option value=''>any</option>
              {CLASSES.map((c) => <option key={c} value={c} selected={statusClass === c}>{c}</option>)}
            </select>
          </div>
          <div>
            <label for='s-idp'>IdP</label>
            <select id='s-idp' name='idp'>
              <option value=''>any</option>
              {IDPS.map((i) => <option key={i} value={i} selected={idp === i}>{i}</option>)}
            </select>
          </div>
          <div><label for='s-user'>User (id or userName)</label><input id='s-user' name='user' value={user ?? ''} /></div>
          <div><button type='submit'>Filter</button></div>
        </form>
        <div id='scim-results' data-announce={`${rows.length} requests shown.`}>
          <DataTable
            caption='SCIM requests, newest first'
            columns={['When', 'IdP', 'Request', 'What', 'Status', { label: 'ms', num: true }]}
            empty='No requests match.'
            rows={rows.map((r) => (
              <tr key={String(r.id)}>
                <td><When at={r.at} /></td>
                <td>{r.idp}</td>
                <td><code>{r.method} {r.path}</code></td>
                <td>{r.summary}</td>
                <td><Badge tone={r.status < 400 ? 'ok' : r.status < 500 ? 'warn' : 'bad'}>{r.status}{r.scim_type === null ? '' : ` ${r.scim_type}`}</Badge></td>
                <td class='num'>{Math.round(r.duration_ms)}</td>
              </tr>
            ))}
          />
          {rows.length === PAGE && last !== undefined && (
            <nav class='pager' aria-label='Pages'>
              <a rel='next' href={urlWith(path, { status_class: statusClass, idp, user, cursor: String(last.id) })}>Older requests</a>
            </nav>
          )}
        </div>
      </Document>
    )
    return await sendHtml(reply, html)
  })
}
