import type { FastifyInstance } from 'fastify'
import { listPeople, personView } from '../../admin/people-query.js'
import { driftReport } from '../../sync/drift-service.js'
import { listPartnersAndSystemUsers, listUnmatchedPeople } from '../../sync/unmatched-repository.js'
import { unwiredSyncPorts } from '../../sync/unwired-ports.js'
import type { PersonState } from '../../provisioning/records/tables.js'
import { sendHtml, type ConsoleRuntime } from '../context.js'
import { Badge, DataTable, Notice, Pager, When, urlWith, type Tone } from '../views/components.js'
import { Document, renderPage } from '../views/layout.js'
import { offsetOf, queryOf, tenantPage } from './tenant.js'

const PAGE = 50
const STATES: readonly PersonState[] = ['none', 'invited', 'member', 'removed', 'skipped', 'failed']
const TABS = [['managed', 'Managed'], ['unmatched', 'Unmatched in Meta'], ['partners', 'Partners and system users']] as const
type Tab = typeof TABS[number][0]

export const stateTone = (state: string): Tone =>
  state === 'member' ? 'ok' : state === 'failed' ? 'bad' : state === 'invited' ? 'warn' : 'neutral'

interface Filters { tab: Tab, state: string, error: string, drift: string, group: string, q: string }

function filtersOf (query: Record<string, string | undefined>): Filters {
  const tab = TABS.some(([t]) => t === query.tab) ? query.tab as Tab : 'managed'
  return {
    tab,
    state: STATES.includes(query.state as PersonState) ? query.state ?? '' : '',
    error: query.error === '1' ? '1' : '',
    drift: query.drift === '1' ? '1' : '',
    group: (query.group ?? '').trim().slice(0, 200),
    q: (query.q ?? '').trim().slice(0, 200)
  }
}

function FilterForm (props: { base: string, f: Filters }) {
  const { f } = props
  const action = `${props.base}/people`
  return (
    <form
      class='filters' method='get' action={action} role='search' aria-label='Filter people'
      hx-get={action} hx-target='#people-results' hx-select='#people-results' hx-swap='outerHTML' hx-push-url='true'
    >
      <input type='hidden' name='tab' value={f.tab} />
      <div><label for='f-q'>{f.tab === 'managed' ? 'userName starts with' : 'Email starts with'}</label><input id='f-q' name='q' value={f.q} /></div>
      {f.tab === 'managed' && (
        <>
          <div>
            <label for='f-state'>State</label>
            <select id='f-state' name='state'>
              <option value=''>any</option>
              {STATES.map((s) => <option key={s} value={s} selected={f.state === s}>{s}</option>)}
            </select>
          </div>
          <div><label for='f-group'>Group</label><input id='f-group' name='group' value={f.group} /></div>
          <div><label><input type='checkbox' name='error' value='1' checked={f.error === '1'} /> With an error</label></div>
          <div><label><input type='checkbox' name='drift' value='1' checked={f.drift === '1'} /> With drift</label></div>
        </>
      )}
      <div><button type='submit'>Filter</button></div>
    </form>
  )
}

/** People of a tenant in three tabs, every filter a shareable URL (htmx pushes it). */
export async function peoplePage (app: FastifyInstance, rt: ConsoleRuntime): Promise<void> {
  app.get('/ui/tenants/:tenantId/people', async (request, reply) => {
    const { tenant, ctx, base } = await tenantPage(rt, request)
    const query = queryOf(request)
    const f = filtersOf(query)
    const offset = offsetOf(query)
    const href = (o: number, tab: Tab = f.tab) => urlWith(`${base}/people`, {
      tab,
      ...(tab === f.tab ? { state: f.state, error: f.error, drift: f.drift, group: f.group, q: f.q } : {}),
      offset: o === 0 ? undefined : o
    })
    let results: preact.VNode
    if (f.tab === 'managed') {
      let userIds: string[] | undefined
      let driftNote: string | undefined
      if (f.drift === '1') {
        const report = await driftReport(rt.db, rt.sync?.ports ?? unwiredSyncPorts, tenant.id, 14, rt.now())
        if (report === undefined) driftNote = 'No sync has succeeded yet, so nobody has drift on record.'
        userIds = report === undefined
          ? []
          : [...new Set([
              ...report.missing, ...report.not_entitled, ...report.role_differences, ...report.asset_differences
            ].map((r) => r.user_id))]
      }
      const { rows, total } = await listPeople(rt.db, tenant.id, {
        limit: PAGE,
        offset,
        state: f.state === '' ? undefined : f.state as PersonState,
        hasError: f.error === '1',
        group: f.group,
        text: f.q,
        userIds
      })
      const people = rows.map((r) => personView(r, rt.now()))
      results = (
        <div id='people-results' data-announce={`${total} people match.`}>
          {driftNote !== undefined && <Notice>{driftNote}</Notice>}
          <DataTable
            caption={`Managed people: ${total} match`}
            columns={['userName', 'Active in IdP', 'Desired role', 'Meta state', 'Meta role', 'Last error', 'Waiting since']}
            empty='Nobody matches these filters.'
            rows={people.map((p) => (
              <tr key={p.user_id}>
                <th scope='row'><a href={`${base}/people/${p.user_id}`}>{p.user_name}</a></th>
                <td>{p.active ? 'yes' : 'no'}</td>
                <td>{p.desired.role ?? <span class='muted'>none</span>}</td>
                <td><Badge tone={stateTone(p.observed.state)}>{p.observed.state}</Badge></td>
                <td>{p.observed.role ?? '–'}</td>
                <td>{p.last_error === null ? '' : p.last_error.message}</td>
                <td><When at={p.waiting?.since ?? null} none='–' /></td>
              </tr>
            ))}
          />
          <Pager href={href} offset={offset} limit={PAGE} total={total} shown={people.length} />
        </div>
      )
    } else if (f.tab === 'unmatched') {
      const { rows, total } = await listUnmatchedPeople(rt.db, tenant.id, { limit: PAGE, offset, text: f.q })
      results = (
        <div id='people-results' data-announce={`${total} unmatched people.`}>
          <DataTable
            caption={`In Meta, claimed by no SCIM user (last sync): ${total}`}
            columns={['Email', 'Name', 'Kind', 'Role', 'Invitation', 'Work Account']}
            empty='Everyone in Meta matches a SCIM user (or no sync has run yet).'
            rows={rows.map((p) => (
              <tr key={`${p.kind}:${p.meta_id}`}>
                <th scope='row'>{p.email ?? <span class='muted'>no email</span>}</th>
                <td>{p.name ?? ''}</td>
                <td>{p.kind}</td>
                <td>{p.role ?? '–'}</td>
                <td>{p.kind === 'invite' ? <>{p.invite_status ?? 'pending'}, sent <When at={p.invited_at} /></> : '–'}</td>
                <td>{p.work_account ? 'yes' : 'no'}</td>
              </tr>
            ))}
          />
          <Pager href={href} offset={offset} limit={PAGE} total={total} shown={rows.length} />
        </div>
      )
    } else {
      const { systemUsers, partners } = await listPartnersAndSystemUsers(rt.db, tenant.id, { limit: PAGE, offset })
      results = (
        <div id='people-results' data-announce={`${systemUsers.length} system users and ${partners.length} partners.`}>
          <p>The bridge never changes these; they are shown so that nobody mistakes them for drift.</p>
          <DataTable
            caption='System users (last sync)' columns={['Name', 'Id', 'Role']} empty='No system users.'
            rows={systemUsers.map((s) => <tr key={s.meta_id}><th scope='row'>{s.name ?? ''}</th><td>{s.meta_id}</td><td>{s.role ?? '–'}</td></tr>)}
          />
          <DataTable
            caption='Partners (last sync)' columns={['Name', 'Id', 'Kind']} empty='No partners.'
            rows={partners.map((p) => <tr key={`${p.kind}:${p.meta_id}`}><th scope='row'>{p.name ?? ''}</th><td>{p.meta_id}</td><td>{p.kind}</td></tr>)}
          />
          <Pager
            href={href}
            offset={offset}
            limit={PAGE}
            total={null}
            shown={Math.max(systemUsers.length, partners.length)}
          />
        </div>
      )
    }
    const html = renderPage(
      <Document title={`${tenant.name} people`} ctx={ctx} section='people'>
        <h1>People of {tenant.name}</h1>
        <ul class='tabs' aria-label='People lists'>
          {TABS.map(([t, label]) => <li key={t}><a href={href(0, t)} aria-current={f.tab === t ? 'page' : undefined}>{label}</a></li>)}
        </ul>
        <FilterForm base={base} f={f} />
        {results}
      </Document>
    )
    return await sendHtml(reply, html)
  })
}
