import type { FastifyInstance } from 'fastify'
import { tenantHealth } from '../../health/tenant-health.js'
import { listTenantsPage } from '../../tenants/tenants-repository.js'
import { scopedTenantIds } from '../auth/roles.js'
import { authOf, pageContext, sendHtml, type ConsoleRuntime } from '../context.js'
import { Badge, DataTable, healthTone, Pager, When, urlWith } from '../views/components.js'
import { Document, renderPage } from '../views/layout.js'
import { offsetOf, queryOf } from './tenant.js'

const PAGE = 25

type Health = Awaited<ReturnType<typeof tenantHealth>>

function driftTotal (h: Health): number | null {
  return h.sync.drift === null ? null : Object.values(h.sync.drift).reduce((a, b) => a + b, 0)
}

function TenantRow (props: { id: string, name: string, health: Health | undefined }) {
  const h = props.health
  if (h === undefined) {
    return <tr><th scope='row'><a href={`/ui/tenants/${props.id}`}>{props.name}</a></th><td colspan={6}>Health not available in this process.</td></tr>
  }
  const paused = (h.meta.rate_limit_buckets ?? []).filter((b) => b.paused_until !== null || b.state === 'paused')
  const drift = driftTotal(h)
  return (
    <tr>
      <th scope='row'><a href={`/ui/tenants/${props.id}`}>{props.name}</a></th>
      <td>
        <Badge tone={healthTone(h.status)}>{h.status}</Badge>
        {h.reasons.length > 0 && <ul>{h.reasons.map((r) => <li key={r.code}>{r.message}</li>)}</ul>}
      </td>
      <td>{h.sync.last_run === null ? <span class='muted'>never</span> : <><When at={h.sync.last_run.started_at} /> ({h.sync.last_run.status})</>}</td>
      <td class='num'>{drift === null ? <span class='muted'>no sync yet</span> : drift}</td>
      <td class='num'>{h.provisioning.failed_people}</td>
      <td>{paused.length === 0 ? 'none' : paused.map((b) => <div key={b.key}>{b.key}: paused until <When at={b.paused_until} none='resumed' /></div>)}</td>
      <td class='num'>{h.meta.removal_brake.held}</td>
    </tr>
  )
}

/** All tenants (of the session's scope) at a glance: health and why, last sync, drift, failing people, throttling. */
export async function overviewPage (app: FastifyInstance, rt: ConsoleRuntime): Promise<void> {
  app.get('/ui', async (request, reply) => {
    const offset = offsetOf(queryOf(request))
    // A scoped session lists only its own tenants (the others answer 404 anyway).
    const { rows, total } = await listTenantsPage(rt.db, PAGE, offset, scopedTenantIds(authOf(request).session.access))
    const governor = rt.provisioning?.clients.governor
    const healths = await Promise.all(rows.map(async (t) => {
      if (rt.provisioning === undefined) return undefined
      return await tenantHealth(
        { db: rt.db, governor: governor === undefined ? undefined : () => governor.snapshot(), now: rt.now }, t.id
      )
    }))
    const html = renderPage(
      <Document title='All tenants' ctx={pageContext(request)}>
        <h1>All tenants</h1>
        <DataTable
          caption='Tenants with their health, last sync, drift, failing people, throttling and held removals'
          columns={['Tenant', 'Health', 'Last sync', { label: 'Drift items', num: true }, { label: 'Failing people', num: true }, 'Throttling', { label: 'Held removals', num: true }]}
          empty='No tenants yet.'
          rows={rows.map((t, i) => <TenantRow key={t.id} id={t.id} name={t.name} health={healths[i]} />)}
        />
        <Pager href={(o) => urlWith('/ui', { offset: o })} offset={offset} limit={PAGE} total={total} shown={rows.length} />
      </Document>
    )
    return await sendHtml(reply, html)
  })
}
