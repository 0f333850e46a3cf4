import type { FastifyInstance } from 'fastify'
import { listRuns } from '../../sync/runs-repository.js'
import { sendHtml, type ConsoleRuntime } from '../context.js'
import { Badge, DataTable, Pager, When, urlWith } from '../views/components.js'
import { Document, renderPage } from '../views/layout.js'
import { offsetOf, queryOf, tenantPage } from './tenant.js'

const PAGE = 50

/** Sync runs, newest first, with their counts and outcome. */
export async function syncRunsPage (app: FastifyInstance, rt: ConsoleRuntime): Promise<void> {
  app.get('/ui/tenants/:tenantId/sync-runs', async (request, reply) => {
    const { tenant, ctx, base } = await tenantPage(rt, request)
    const offset = offsetOf(queryOf(request))
    const { rows, total } = await listRuns(rt.db, tenant.id, PAGE, offset)
    const html = renderPage(
      <Document title={`${tenant.name} sync runs`} ctx={ctx} section='sync-runs'>
        <h1>Sync runs of {tenant.name}</h1>
        <p><a href={base}>Sync now from the health page</a></p>
        <DataTable
          caption={`Sync runs: ${total}`}
          columns={['Started', 'Trigger', 'Status', 'Phase', 'Counts', 'Finished', 'Error']}
          empty='No sync has run yet.'
          rows={rows.map((r) => (
            <tr key={r.id}>
              <td><When at={r.started_at} /></td>
              <td>{r.trigger}</td>
              <td><Badge tone={r.status === 'succeeded' ? 'ok' : r.status === 'failed' ? 'bad' : 'warn'}>{r.status}</Badge></td>
              <td>{r.phase ?? '–'}</td>
              <td>{Object.entries((r.counts ?? {}) as Record<string, number>).map(([k, v]) => `${k.replace(/_/g, ' ')}: ${v}`).join(', ')}</td>
              <td><When at={r.finished_at} none='–' /></td>
              <td>{r.error ?? ''}</td>
            </tr>
          ))}
        />
        <Pager href={(o) => urlWith(`${base}/sync-runs`, { offset: o === 0 ? undefined : o })} offset={offset} limit={PAGE} total={total} shown={rows.length} />
      </Document>
    )
    return await sendHtml(reply, html)
  })
}
