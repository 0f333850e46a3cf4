import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { ComponentChildren } from 'preact'
import { z } from 'zod'
import { approveHeld, rejectHeld, UnknownHeldError, type Selection } from '../../brake/decisions.js'
import { findHeldById, listHeld } from '../../brake/held-repository.js'
import { brakeStatus } from '../../brake/status.js'
import { authOf, isHtmx, sendHtml, type ConsoleRuntime } from '../context.js'
import { CsrfField, DataTable, Notice, Pager, When, urlWith } from '../views/components.js'
import { Document, may, renderFragment, renderPage, type PageContext } from '../views/layout.js'
import { field, fields, formOf, offsetOf, queryOf, tenantPage } from './tenant.js'

const PAGE = 50
const decision = z.enum(['approve', 'reject'])
const ids = z.array(z.string().uuid()).min(1).max(1000)

type Held = Awaited<ReturnType<typeof listHeld>>

/** `decide`: whether the approve and reject links show (admins only; the server refuses others anyway). */
function HeldList (props: { base: string, held: Held, offset: number, decide: boolean, flash?: ComponentChildren }) {
  const confirmUrl = (d: 'approve' | 'reject', id?: string) => urlWith(`${props.base}/held-removals/confirm`, { decision: d, id, all: id === undefined ? '1' : undefined })
  return (
    <div id='held-list'>
      {props.flash}
      <DataTable
        caption={`Held removals: ${props.held.total}`}
        columns={props.decide ? ['Person', 'Action', 'Held since', 'Why', 'Decide'] : ['Person', 'Action', 'Held since', 'Why']}
        empty='Nothing is held.'
        rows={props.held.rows.map((r) => (
          <tr key={r.id}>
            <th scope='row'>{r.email ?? r.user_id ?? 'unmanaged person'}</th>
            <td>{r.action}</td>
            <td><When at={r.held_at} /></td>
            <td>{r.cause}</td>
            {props.decide && (
              <td>
                <a class='button' href={confirmUrl('approve', r.id)} hx-get={confirmUrl('approve', r.id)} hx-target='#decision' hx-swap='innerHTML'>
                  Approve removal of {r.email ?? 'this person'}
                </a>{' '}
                <a class='button' href={confirmUrl('reject', r.id)} hx-get={confirmUrl('reject', r.id)} hx-target='#decision' hx-swap='innerHTML'>
                  Reject removal of {r.email ?? 'this person'}
                </a>
              </td>
            )}
          </tr>
        ))}
      />
      <Pager href={(o) => urlWith(`${props.base}/held-removals`, { offset: o === 0 ? undefined : o })} offset={props.offset} limit={PAGE} total={props.held.total} shown={props.held.rows.length} />
      {props.held.total > 0 && props.decide && (
        <p>
          <a class='button' href={confirmUrl('approve')} hx-get={confirmUrl('approve')} hx-target='#decision' hx-swap='innerHTML'>Approve all</a>{' '}
          <a class='button' href={confirmUrl('reject')} hx-get={confirmUrl('reject')} hx-target='#decision' hx-swap='innerHTML'>Reject all</a>
        </p>
      )}
    </div>
  )
}

function Confirm (props: { base: string, csrf: string, decision: 'approve' | 'reject', id: string | undefined, who: string }) {
  const verb = props.decision === 'approve' ? 'Approve' : 'Reject'
  const consequence = props.decision === 'approve'
    ? 'The removal runs now: the person loses access to the Meta business.'
    : 'The removal is dropped: the person stays in the Meta business and shows as drift.'
  const action = `${props.base}/held-removals/decide`
  return (
    <section class='card' aria-labelledby='confirm-heading' data-announce={`Confirm: ${verb} ${props.who}?`}>
      <h2 id='confirm-heading' tabindex={-1} data-focus>{verb} the removal of {props.who}?</h2>
      <p>{consequence}</p>
      <form method='post' action={action} hx-post={action} hx-target='#held-list' hx-swap='outerHTML'>
        <CsrfField csrf={props.csrf} />
        <input type='hidden' name='decision' value={props.decision} />
        {props.id === undefined ? <input type='hidden' name='all' value='1' /> : <input type='hidden' name='id' value={props.id} />}
        <button type='submit' class={props.decision === 'approve' ? 'danger' : 'primary'}>Yes, {verb.toLowerCase()}</button>{' '}
        <a class='button' href={`${props.base}/held-removals`}>Cancel</a>
      </form>
    </section>
  )
}

function HeldPage (props: {
  ctx: PageContext,
  base: string,
  held: Held,
  offset: number,
  engaged: boolean,
  decision?: ComponentChildren,
  flash?: ComponentChildren
}) {
  return (
    <Document title={`${props.ctx.tenant?.name ?? ''} held removals`} ctx={props.ctx} section='held-removals'>
      <h1>Held removals of {props.ctx.tenant?.name}</h1>
      <p>
        {props.engaged
          ? 'The removal brake is engaged: removals beyond the budget wait here for a decision. Everything else keeps flowing.'
          : 'The removal brake is not engaged.'}
      </p>
      <div id='decision'>{props.decision}</div>
      <HeldList base={props.base} held={props.held} offset={props.offset} decide={may(props.ctx, 'admin')} flash={props.flash} />
    </Document>
  )
}

/** The removal brake's held actions: approve or reject, each behind a confirmation. */
export async function heldRemovalsPage (app: FastifyInstance, rt: ConsoleRuntime): Promise<void> {
  const show = async (
    request: FastifyRequest, reply: FastifyReply, extra: { decision?: ComponentChildren, flash?: ComponentChildren },
    status = 200
  ) => {
    const { tenant, ctx, base } = await tenantPage(rt, request)
    const offset = request.method === 'GET' ? offsetOf(queryOf(request)) : 0
    const held = await listHeld(rt.db, tenant.id, PAGE, offset)
    if (isHtmx(request) && request.method === 'POST') {
      // The confirmation is answered: it goes too (an out-of-band swap, htmx.org/attributes/hx-swap-oob).
      const list = renderFragment(<HeldList base={base} held={held} offset={offset} decide={may(ctx, 'admin')} flash={extra.flash} />)
      return await sendHtml(reply, list + renderFragment(<div id='decision' hx-swap-oob='true' />), status)
    }
    const engaged = (await brakeStatus(rt.db, tenant.id, rt.now())).engaged
    return await sendHtml(
      reply, renderPage(<HeldPage ctx={ctx} base={base} held={held} offset={offset} engaged={engaged} {...extra} />),
      status
    )
  }

  app.get('/ui/tenants/:tenantId/held-removals', async (request, reply) => await show(request, reply, {}))

  app.get('/ui/tenants/:tenantId/held-removals/confirm', async (request, reply) => {
    const { tenant, ctx, base } = await tenantPage(rt, request)
    const q = queryOf(request)
    const d = decision.safeParse(q.decision)
    if (!d.success) return await show(request, reply, { flash: <Notice tone='bad'>Choose approve or reject.</Notice> }, 400)
    let who = 'every held person'
    let id: string | undefined
    if (q.all !== '1') {
      const parsed = z.string().uuid().safeParse(q.id)
      const row = parsed.success ? await findHeldById(rt.db, tenant.id, parsed.data) : undefined
      if (row === undefined) return await show(request, reply, { flash: <Notice tone='bad'>That removal is no longer held.</Notice> }, 404)
      id = row.id
      who = row.email ?? row.user_id ?? 'this person'
    }
    const confirm = <Confirm base={base} csrf={ctx.csrf} decision={d.data} id={id} who={who} />
    if (isHtmx(request)) return await sendHtml(reply, renderFragment(confirm))
    return await show(request, reply, { decision: confirm })
  })

  app.post('/ui/tenants/:tenantId/held-removals/decide', async (request, reply) => {
    const { tenant } = await tenantPage(rt, request)
    const form = formOf(request)
    const d = decision.safeParse(field(form, 'decision'))
    const selection: Selection | undefined = field(form, 'all') === '1'
      ? { all: true }
      : (() => { const p = ids.safeParse(fields(form, 'id')); return p.success ? { ids: p.data } : undefined })()
    if (!d.success || selection === undefined) return await show(request, reply, { flash: <Notice tone='bad'>Nothing to decide.</Notice> }, 422)
    if (rt.removalBrake === undefined) return await show(request, reply, { flash: <Notice tone='bad'>The reconcile queue is not available in this process.</Notice> }, 503)
    const run = d.data === 'approve' ? approveHeld : rejectHeld
    try {
      const rows = await run(
        { ...rt.removalBrake, now: rt.removalBrake.now ?? rt.now }, tenant.id, selection, authOf(request).session.actor
      )
      const text = d.data === 'approve'
        ? `Approved ${rows.length} removal${rows.length === 1 ? '' : 's'}: they run now.`
        : `Rejected ${rows.length} removal${rows.length === 1 ? '' : 's'}: those people stay.`
      return await show(request, reply, { flash: <Notice tone='ok' announce={text}>{text}</Notice> })
    } catch (err) {
      if (err instanceof UnknownHeldError) return await show(request, reply, { flash: <Notice tone='bad'>Already decided, or not held in this tenant.</Notice> }, 404)
      throw err
    }
  })
}
