import type { FastifyInstance } from 'fastify'
import { auditQuery, listAuditPage, OUTCOMES } from '../../admin/audit-routes.js'
import { pageConsoleEvents } from '../session/console-repository.js'
import { scopedTenantIds } from '../auth/roles.js'
import { authOf, sendHtml, type ConsoleRuntime } from '../context.js'
import { DataTable, Notice, Pager, When, urlWith } from '../views/components.js'
import { Document, renderPage } from '../views/layout.js'
import { queryOf, tenantPage } from './tenant.js'

const PAGE = 50

/** The tenant's audit log with filters in the URL, and the console's sign-ins. */
export async function auditPage (app: FastifyInstance, rt: ConsoleRuntime): Promise<void> {
  app.get('/ui/tenants/:tenantId/audit', async (request, reply) => {
    const { tenant, ctx, base } = await tenantPage(rt, request)
    const raw = queryOf(request)
    const set = (v: string | undefined) => v === undefined || v.trim() === '' ? undefined : v
    const parsed = auditQuery.safeParse({
      limit: PAGE,
      offset: set(raw.offset),
      user_id: set(raw.user_id),
      action: set(raw.action),
      outcome: set(raw.outcome)
    })
    const q = parsed.success ? parsed.data : auditQuery.parse({ limit: PAGE })
    const { rows, total } = await listAuditPage(rt.db, tenant.id, q)
    // Console-wide events name people and tenants of every scope: only for sessions that see every tenant.
    const everyTenant = scopedTenantIds(authOf(request).session.access) === undefined
    const signIns = everyTenant ? await pageConsoleEvents(rt.db, 20, 0) : undefined
    const path = `${base}/audit`
    const html = renderPage(
      <Document title={`${tenant.name} audit log`} ctx={ctx} section='audit'>
        <h1>Audit log of {tenant.name}</h1>
        {!parsed.success && <Notice tone='bad'>Some filters were not valid and are ignored.</Notice>}
        <form
          class='filters' method='get' action={path} role='search' aria-label='Filter the audit log'
          hx-get={path} hx-target='#audit-results' hx-select='#audit-results' hx-swap='outerHTML' hx-push-url='true'
        >
          <div><label for='a-action'>Action</label><input id='a-action' name='action' value={q.action ?? ''} /></div>
          <div>
            <label for='a-outcome'>Outcome</label>
            <select id='a-outcome' name='outcome'>
              <option value=''>any</option>
              {OUTCOMES.map((o) => <option key={o} value={o} selected={q.outcome === o}>{o}</option>)}
            </select>
          </div>
          <div><label for='a-user'>Person id</label><input id='a-user' name='user_id' value={q.user_id ?? ''} /></div>
          <div><button type='submit'>Filter</button></div>
        </form>
        <div id='audit-results' data-announce={`${total} events match.`}>
          <DataTable
            caption={`Audit events: ${total} match`}
            columns={['When', 'Actor', 'Person', 'Action', 'Outcome', 'Why', 'Message']}
            empty='No events match.'
            rows={rows.map((e) => (
              <tr key={String(e.id)}>
                <td><When at={e.at} /></td>
                <td>{e.actor}</td>
                <td>{e.user_id === null ? (e.email ?? '–') : <a href={`${base}/people/${e.user_id}`}>{e.email ?? e.user_id}</a>}</td>
                <td>{e.action}</td>
                <td>{e.outcome}</td>
                <td>{e.reason}</td>
                <td>{e.message ?? ''}</td>
              </tr>
            ))}
          />
          <Pager
            href={(o) => urlWith(
              path, { action: q.action, outcome: q.outcome, user_id: q.user_id, offset: o === 0 ? undefined : o }
            )}
            offset={q.offset} limit={PAGE} total={total} shown={rows.length}
          />
        </div>
        {signIns !== undefined && (
          <DataTable
            caption='Console sign-ins and sign-outs (all tenants), latest 20'
            columns={['When', 'Who', 'Event', 'Outcome', 'Detail']}
            empty='None yet.'
            rows={signIns.rows.map((e) => (
              <tr key={e.id}>
                <td><When at={e.at} /></td><td>{e.actor}</td><td>{e.action}</td><td>{e.outcome}</td>
                <td>{Object.entries(e.detail).map(([k, v]) => `${k}: ${typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v)}`).join(', ')}</td>
              </tr>
            ))}
          />
        )}
      </Document>
    )
    return await sendHtml(reply, html)
  })
}
