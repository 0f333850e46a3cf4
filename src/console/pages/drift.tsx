import type { FastifyInstance } from 'fastify'
import { driftReport } from '../../sync/drift-service.js'
import { unwiredSyncPorts } from '../../sync/unwired-ports.js'
import { sendHtml, type ConsoleRuntime } from '../context.js'
import { DataTable, Notice, When } from '../views/components.js'
import { Document, renderPage } from '../views/layout.js'
import { tenantPage } from './tenant.js'

/** The drift report from the last successful sync, against the SCIM users as they are now. */
export async function driftPage (app: FastifyInstance, rt: ConsoleRuntime): Promise<void> {
  app.get('/ui/tenants/:tenantId/drift', async (request, reply) => {
    const { tenant, ctx, base } = await tenantPage(rt, request)
    const report = await driftReport(rt.db, rt.sync?.ports ?? unwiredSyncPorts, tenant.id, 14, rt.now())
    const person = (id: string | null, name: string | null) => id === null ? (name ?? '–') : <a href={`${base}/people/${id}`}>{name ?? id}</a>
    const html = renderPage(
      <Document title={`${tenant.name} drift`} ctx={ctx} section='drift'>
        <h1>Drift of {tenant.name}</h1>
        {report === undefined
          ? <Notice>No sync of this tenant has succeeded yet: start one from the health page.</Notice>
          : (
            <>
              <p>From the sync at <When at={report.snapshot.taken_at} /> (run {report.snapshot.run_id}).</p>
              <DataTable
                caption={`Summary: ${Object.values(report.counts).reduce((a, b) => a + b, 0)} items`} columns={['Kind', { label: 'Items', num: true }]}
                rows={Object.entries(report.counts).map(([k, n]) => <tr key={k}><th scope='row'>{k.replace(/_/g, ' ')}</th><td class='num'>{n}</td></tr>)}
              />
              <DataTable
                caption='In Meta, claimed by no SCIM user' columns={['Email', 'Name', 'Kind', 'Role']} empty='None.'
                rows={report.unmanaged.map((p) => <tr key={p.meta_id}><th scope='row'>{p.email ?? '–'}</th><td>{p.name ?? ''}</td><td>{p.kind}</td><td>{p.role ?? '–'}</td></tr>)}
              />
              <DataTable
                caption='Entitled but missing in Meta' columns={['Person', 'Desired role']} empty='None.'
                rows={report.missing.map((p) => <tr key={p.user_id}><th scope='row'>{person(p.user_id, p.user_name)}</th><td>{p.desired_role ?? '–'}</td></tr>)}
              />
              <DataTable
                caption='In Meta without entitlement' columns={['Person', 'State']} empty='None.'
                rows={report.not_entitled.map((p) => <tr key={p.user_id}><th scope='row'>{person(p.user_id, p.user_name)}</th><td>{p.state}</td></tr>)}
              />
              <DataTable
                caption='Role differences' columns={['Person', 'Details']} empty='None.'
                rows={report.role_differences.map((p) => <tr key={p.user_id}><th scope='row'>{person(p.user_id, p.user_name)}</th><td>{JSON.stringify({ ...p, user_id: undefined, user_name: undefined })}</td></tr>)}
              />
              <DataTable
                caption='Asset task differences' columns={['Person', 'Asset', 'Details']} empty='None.'
                rows={report.asset_differences.map((p, i) => <tr key={i}><th scope='row'>{person(p.user_id, p.user_name)}</th><td>{p.asset_type} {p.asset_id}</td><td>{JSON.stringify({ ...p, user_id: undefined, user_name: undefined, asset_type: undefined, asset_id: undefined })}</td></tr>)}
              />
              <DataTable
                caption={`Invitations pending longer than ${report.invite_age_days} days`} columns={['Email', 'Status', 'Invited', { label: 'Age (days)', num: true }]} empty='None.'
                rows={report.stale_invites.map((p) => <tr key={p.meta_id}><th scope='row'>{p.email ?? '–'}</th><td>{p.status ?? ''}</td><td><When at={p.invited_at} /></td><td class='num'>{p.age_days}</td></tr>)}
              />
            </>
            )}
      </Document>
    )
    return await sendHtml(reply, html)
  })
}
