import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { ComponentChildren } from 'preact'
import { z } from 'zod'
import { AdminError } from '../../admin/admin-errors.js'
import { testTenantConnection } from '../../admin/meta-connection-probe.js'
import { connectionBody, saveMetaConnection, type ConnectionChange } from '../../admin/meta-connection-routes.js'
import { tenantHealth } from '../../health/tenant-health.js'
import { getMetaSettings, effectiveDryRun } from '../../tenants/meta-settings.js'
import { actorOf, isHtmx, sendHtml, type ConsoleRuntime } from '../context.js'
import { atLeast, type ConsoleRole } from '../auth/roles.js'
import { auditConsoleAction } from '../session/events.js'
import { Badge, CsrfField, DataTable, healthTone, Notice, When } from '../views/components.js'
import { Document, renderFragment, renderPage, type PageContext } from '../views/layout.js'
import { field, formOf, tenantPage } from './tenant.js'

type Health = Awaited<ReturnType<typeof tenantHealth>>
type Settings = Awaited<ReturnType<typeof getMetaSettings>>
interface Flash { tokens?: ComponentChildren, meta?: ComponentChildren, sync?: ComponentChildren }

const tokenLabel = z.string().trim().min(1).max(100)
const uuid = z.string().uuid()

function TokensSection (props: {
  base: string, csrf: string, role: ConsoleRole, health: Health, flash?: ComponentChildren
}) {
  const admin = atLeast(props.role, 'admin')
  return (
    <section id='scim-tokens' class='card wide' aria-labelledby='tokens-heading'>
      <h2 id='tokens-heading'>SCIM tokens</h2>
      {props.flash}
      <DataTable
        caption='SCIM bearer tokens of this tenant'
        columns={['Label', 'Prefix', 'Created', 'Last used', 'State', 'Action']}
        empty='No tokens: the IdP cannot call this tenant.'
        rows={props.health.scim.tokens.map((t) => (
          <tr key={t.id}>
            <td>{t.label}</td>
            <td><code>{t.prefix}…</code></td>
            <td><When at={t.created_at} /></td>
            <td><When at={t.last_used_at} /></td>
            <td>{t.revoked_at === null ? <Badge tone='ok'>active</Badge> : <Badge tone='neutral'>revoked</Badge>}</td>
            <td>
              {t.revoked_at === null && admin && (
                <form
                  method='post' action={`${props.base}/scim-tokens/${t.id}/revoke`} hx-post={`${props.base}/scim-tokens/${t.id}/revoke`}
                  hx-target='#scim-tokens' hx-swap='outerHTML' hx-confirm={undefined}
                >
                  <CsrfField csrf={props.csrf} />
                  <button type='submit' class='danger'>Revoke {t.label}</button>
                </form>
              )}
            </td>
          </tr>
        ))}
      />
      {admin && (
        <form method='post' action={`${props.base}/scim-tokens`} hx-post={`${props.base}/scim-tokens`} hx-target='#scim-tokens' hx-swap='outerHTML'>
          <CsrfField csrf={props.csrf} />
          <div class='field'>
            <label for='token-label'>New token label</label>
            <input id='token-label' name='label' required maxlength={100} />
          </div>
          <p><button type='submit'>Create token</button></p>
        </form>
      )}
    </section>
  )
}

function ConnectionSection (props: {
  base: string, csrf: string, role: ConsoleRole, settings: Settings, flash?: ComponentChildren
}) {
  const s = props.settings
  const tone = s.connection.status === 'connected' ? 'ok' : s.connection.status === 'disconnected' ? 'bad' : 'neutral'
  return (
    <section id='meta-connection' class='card' aria-labelledby='meta-heading'>
      <h2 id='meta-heading'>Meta connection</h2>
      <dl class='facts'>
        <dt>Business id</dt><dd>{s.businessId ?? <span class='muted'>not set</span>}</dd>
        <dt>Access token</dt><dd>{s.hasAccessToken ? 'set' : 'not set'}</dd>
        <dt>Identity mode</dt><dd>{s.identityMode}</dd>
        <dt>Dry run</dt><dd>{effectiveDryRun(s) ? <Badge tone='warn'>on: nothing is sent to Meta</Badge> : <Badge tone='ok'>off</Badge>}</dd>
        <dt>Status</dt><dd><Badge tone={tone}>{s.connection.status}</Badge> {s.connection.error ?? ''} <When at={s.connection.changedAt} none='' /></dd>
      </dl>
      {atLeast(props.role, 'operator') && (
        <form method='post' action={`${props.base}/meta-connection/test`} hx-post={`${props.base}/meta-connection/test`} hx-target='#meta-connection' hx-swap='outerHTML'>
          <CsrfField csrf={props.csrf} />
          <p><button type='submit'>Test connection</button></p>
        </form>
      )}
      {props.flash}
      {atLeast(props.role, 'admin') && <ConnectionForm base={props.base} csrf={props.csrf} settings={s} />}
    </section>
  )
}

/** The variable that owns a setting, if the environment does (then the field is read-only here). */
function OwnedNote (props: { variable: string | undefined }) {
  if (props.variable === undefined) return null
  return <small> (set by {props.variable}; change it there and restart)</small>
}

/** A secret the form never shows: a stored one is named by the placeholder, an env-owned one is read-only. */
function SecretField (
  props: { name: string, label: string, stored: boolean, kept: string, owner: string | undefined }
) {
  return (
    <p>
      <label for={props.name}>{props.label}</label><OwnedNote variable={props.owner} /><br />
      <input
        id={props.name}
        name={props.name}
        type='password'
        autocomplete='off'
        placeholder={props.stored ? props.kept : ''}
        disabled={props.owner !== undefined}
      />
    </p>
  )
}

/** Business id, token, app secret and dry run: what `PUT /admin/v1/tenants/{id}/meta-connection` sets. */
function ConnectionForm (props: { base: string, csrf: string, settings: Settings }) {
  const s = props.settings
  const owned = s.envOwned
  const action = `${props.base}/meta-connection`
  const kept = 'set; leave empty to keep it'
  return (
    <form
      method='post'
      action={action}
      hx-post={action}
      hx-target='#meta-connection'
      hx-swap='outerHTML'
      class='stacked'
    >
      <h3>Connect to a business</h3>
      <p>
        <label for='business_id'>Business id</label><OwnedNote variable={owned.businessId} /><br />
        <input
          id='business_id'
          name='business_id'
          inputmode='numeric'
          pattern='[0-9]{1,32}'
          value={s.businessId ?? ''}
          disabled={owned.businessId !== undefined}
        />
      </p>
      <SecretField name='access_token' label='System user access token' stored={s.hasAccessToken} kept={kept} owner={owned.accessToken} />
      <SecretField
        name='app_secret'
        label='App secret (for appsecret_proof, optional)'
        stored={s.hasAppSecret}
        kept={kept}
        owner={owned.appSecret}
      />
      <p>
        <input id='dry_run' name='dry_run' type='checkbox' checked={s.dryRun} disabled={owned.dryRun !== undefined} />{' '}
        <label for='dry_run'>Dry run: record what would be sent, send nothing</label><OwnedNote variable={owned.dryRun} />
      </p>
      <CsrfField csrf={props.csrf} />
      <input type='hidden' name='form' value='connection' />
      <p><button type='submit' class='primary'>Save connection</button></p>
    </form>
  )
}

function SyncSection (props: {
  base: string, csrf: string, role: ConsoleRole, health: Health, canSync: boolean, flash?: ComponentChildren
}) {
  const last = props.health.sync.last_run
  return (
    <section id='sync' class='card' aria-labelledby='sync-heading'>
      <h2 id='sync-heading'>Sync with Meta</h2>
      <dl class='facts'>
        <dt>Last run</dt><dd>{last === null ? 'never' : <><When at={last.started_at} /> — {last.status}{last.error === null ? '' : `: ${last.error}`}</>}</dd>
        <dt>Last success</dt><dd><When at={props.health.sync.last_success_at} /></dd>
      </dl>
      {props.flash}
      {props.canSync && atLeast(props.role, 'operator') && (
        <form method='post' action={`${props.base}/sync`} hx-post={`${props.base}/sync`} hx-target='#sync' hx-swap='outerHTML'>
          <CsrfField csrf={props.csrf} />
          <p><button type='submit' disabled={last?.status === 'running'}>Sync now</button></p>
        </form>
      )}
      <p><a href={`${props.base}/sync-runs`}>All sync runs</a></p>
    </section>
  )
}

function BucketsSection (props: { health: Health }) {
  const buckets = props.health.meta.rate_limit_buckets
  return (
    <section class='card' aria-labelledby='buckets-heading'>
      <h2 id='buckets-heading'>Meta rate-limit buckets</h2>
      {buckets === null
        ? <p class='muted'>No governor in this process.</p>
        : <DataTable
            caption='Rate-limit buckets this tenant&apos;s calls run under'
            columns={['Bucket', 'State', { label: 'Usage %', num: true }, 'Paused until', 'Reason']}
            empty='No calls yet, so no buckets.'
            rows={buckets.map((b) => (
              <tr key={b.key}>
                <td>{b.key}</td>
                <td><Badge tone={b.state === 'open' ? 'ok' : b.state === 'paused' ? 'bad' : 'warn'}>{b.state}</Badge></td>
                <td class='num'>{b.usage_percent === null ? '–' : Math.round(b.usage_percent)}</td>
                <td><When at={b.paused_until} none='–' /></td>
                <td>{b.pause_reason ?? ''}</td>
              </tr>
            ))}
          />}
    </section>
  )
}

function HealthView (props: {
  ctx: PageContext, base: string, health: Health, settings: Settings, canSync: boolean, flash: Flash
}) {
  const h = props.health
  return (
    <Document title={`${props.ctx.tenant?.name ?? ''} health`} ctx={props.ctx} section=''>
      <h1>Tenant {props.ctx.tenant?.name}: health</h1>
      <p>
        <Badge tone={healthTone(h.status)}>{h.status}</Badge> checked <When at={h.checked_at} />
      </p>
      {h.reasons.length > 0 && <ul aria-label='Reasons'>{h.reasons.map((r) => <li key={r.code}>{r.message}</li>)}</ul>}
      <div class='cards'>
        <TokensSection
          base={props.base} csrf={props.ctx.csrf} role={props.ctx.role} health={h} flash={props.flash.tokens}
        />
        <ConnectionSection
          base={props.base}
          csrf={props.ctx.csrf}
          role={props.ctx.role}
          settings={props.settings}
          flash={props.flash.meta}
        />
        <SyncSection
          base={props.base}
          csrf={props.ctx.csrf}
          role={props.ctx.role}
          health={h}
          canSync={props.canSync}
          flash={props.flash.sync}
        />
        <section class='card' aria-labelledby='provisioning-heading'>
          <h2 id='provisioning-heading'>Provisioning</h2>
          <dl class='facts'>
            <dt>Queue depth</dt><dd>{h.provisioning.queue_depth}</dd>
            <dt>Oldest job</dt><dd>{h.provisioning.oldest_job_age_seconds === null ? '–' : `${h.provisioning.oldest_job_age_seconds} s`}</dd>
            <dt>Failing people</dt><dd>{h.provisioning.failed_people}</dd>
            <dt>Held removals</dt><dd><a href={`${props.base}/held-removals`}>{h.meta.removal_brake.held}</a>{h.meta.removal_brake.engaged ? ' (brake engaged)' : ''}</dd>
            <dt>SCIM requests, 24 h</dt>
            <dd>{h.scim.requests_24h.total} ({h.scim.requests_24h.server_errors} server errors)</dd>
          </dl>
        </section>
      </div>
      <BucketsSection health={h} />
    </Document>
  )
}

/** Tenant health: SCIM tokens (create, revoke), the Meta connection and its test, buckets, Sync now. */
export async function tenantHealthPage (app: FastifyInstance, rt: ConsoleRuntime): Promise<void> {
  const governor = rt.provisioning?.clients.governor
  const healthOf = async (tenantId: string) => await tenantHealth({
    db: rt.db, governor: governor === undefined ? undefined : () => governor.snapshot(), now: rt.now
  }, tenantId)

  /** A section for htmx, else the whole page with the section's message in place. */
  const respond = async (
    request: FastifyRequest, reply: FastifyReply, which: keyof Flash, flash: ComponentChildren, status = 200
  ) => {
    const { tenant, ctx, base } = await tenantPage(rt, request)
    const health = await healthOf(tenant.id)
    const settings = await getMetaSettings(rt.db, tenant.id)
    if (isHtmx(request)) {
      const section = which === 'tokens'
        ? <TokensSection base={base} csrf={ctx.csrf} role={ctx.role} health={health} flash={flash} />
        : which === 'meta'
          ? <ConnectionSection base={base} csrf={ctx.csrf} role={ctx.role} settings={settings} flash={flash} />
          : <SyncSection
              base={base} csrf={ctx.csrf} role={ctx.role} health={health} canSync={rt.sync !== undefined} flash={flash}
            />
      return await sendHtml(reply, renderFragment(section), status)
    }
    return await sendHtml(reply, renderPage(
      <HealthView
        ctx={ctx}
        base={base}
        health={health}
        settings={settings}
        canSync={rt.sync !== undefined}
        flash={{ [which]: flash }}
      />
    ), status)
  }

  app.get('/ui/tenants/:tenantId', async (request, reply) => {
    const { tenant, ctx, base } = await tenantPage(rt, request)
    const html = renderPage(
      <HealthView
        ctx={ctx} base={base} health={await healthOf(tenant.id)} settings={await getMetaSettings(rt.db, tenant.id)}
        canSync={rt.sync !== undefined} flash={{}}
      />
    )
    return await sendHtml(reply, html)
  })

  app.post('/ui/tenants/:tenantId/scim-tokens', async (request, reply) => {
    const { tenant } = await tenantPage(rt, request)
    const label = tokenLabel.safeParse(field(formOf(request), 'label'))
    if (!label.success) return await respond(request, reply, 'tokens', <Notice tone='bad' announce='Give the token a label of 1 to 100 characters.'>Give the token a label of 1 to 100 characters.</Notice>, 422)
    const created = await rt.tokens.create(tenant.id, label.data)
    await auditConsoleAction(rt.db, {
      tenantId: tenant.id, ...actorOf(request), action: 'scim_token_created', outcome: 'applied', detail: { tokenId: created.id, label: created.label }
    })
    return await respond(request, reply, 'tokens', (
      <Notice tone='ok' announce={`Token ${created.label} created. Copy it now; it is shown once.`}>
        <p>Token <strong>{created.label}</strong> created. Copy it into your IdP now: it is shown only this once.</p>
        <p><label for='new-token'>Token secret</label></p>
        <p><output id='new-token' class='secret' data-focus tabindex={-1}>{created.token}</output></p>
      </Notice>
    ))
  })

  app.post('/ui/tenants/:tenantId/scim-tokens/:tokenId/revoke', async (request, reply) => {
    const { tenant } = await tenantPage(rt, request)
    const tokenId = uuid.safeParse((request.params as { tokenId?: unknown }).tokenId)
    const revoked = tokenId.success && await rt.tokens.revoke(tenant.id, tokenId.data)
    if (!revoked) return await respond(request, reply, 'tokens', <Notice tone='bad' announce='No such active token.'>No such active token.</Notice>, 404)
    await auditConsoleAction(rt.db, {
      tenantId: tenant.id, ...actorOf(request), action: 'scim_token_revoked', outcome: 'applied', detail: { tokenId: tokenId.data }
    })
    return await respond(request, reply, 'tokens', <Notice tone='ok' announce='Token revoked.'>Token revoked: the IdP can no longer use it.</Notice>)
  })

  app.post('/ui/tenants/:tenantId/meta-connection', async (request, reply) => {
    const { tenant } = await tenantPage(rt, request)
    const form = formOf(request)
    const current = await getMetaSettings(rt.db, tenant.id)
    const owned = current.envOwned
    // Empty secret fields keep what is stored; fields the environment owns are not sent at all.
    const text = (name: string): string | undefined => { const v = field(form, name).trim(); return v === '' ? undefined : v }
    const change: ConnectionChange = {
      ...(owned.businessId === undefined ? { business_id: text('business_id') ?? null } : {}),
      ...(owned.accessToken === undefined && text('access_token') !== undefined ? { access_token: text('access_token') } : {}),
      ...(owned.appSecret === undefined && text('app_secret') !== undefined ? { app_secret: text('app_secret') } : {}),
      ...(owned.dryRun === undefined ? { dry_run: field(form, 'dry_run') === 'on' } : {})
    }
    const parsed = connectionBody.safeParse(change)
    if (!parsed.success) {
      const message = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')
      return await respond(request, reply, 'meta', <Notice tone='bad' announce={`Not saved: ${message}`}>Not saved: {message}</Notice>, 422)
    }
    try {
      const saved = await saveMetaConnection(rt.db, rt.provisioning, tenant.id, parsed.data)
      await auditConsoleAction(rt.db, {
        tenantId: tenant.id,
        ...actorOf(request),
        action: 'meta_connection_set',
        outcome: 'applied',
        // Which settings changed, never their values (the token and secret are sealed at rest).
        detail: { fields: Object.keys(parsed.data), dryRun: saved.effective_dry_run }
      })
      const saidText = saved.effective_dry_run
        ? 'Connection saved. Dry run is on: nothing is sent to Meta until you turn it off.'
        : 'Connection saved. Dry run is off: changes from the IdP now reach Meta.'
      return await respond(request, reply, 'meta', <Notice tone='ok' announce={saidText}>{saidText}</Notice>)
    } catch (err) {
      if (err instanceof AdminError && err.statusCode < 500) {
        return await respond(request, reply, 'meta', <Notice tone='bad' announce={`Not saved: ${err.message}`}>Not saved: {err.message}</Notice>, 422)
      }
      throw err
    }
  })

  app.post('/ui/tenants/:tenantId/meta-connection/test', async (request, reply) => {
    const { tenant } = await tenantPage(rt, request)
    if (rt.provisioning === undefined) return await respond(request, reply, 'meta', <Notice tone='bad'>The provisioning runtime is not available in this process.</Notice>, 503)
    const result = await testTenantConnection(rt.db, rt.provisioning, tenant.id)
    await auditConsoleAction(rt.db, {
      tenantId: tenant.id, ...actorOf(request), action: 'meta_connection_tested', outcome: result?.ok === true ? 'applied' : 'failed'
    })
    if (result === undefined) {
      return await respond(request, reply, 'meta', <Notice tone='bad' announce='Not configured: no business id or access token.'>Not configured: the tenant has no business id or access token.</Notice>)
    }
    const summary = result.ok ? 'Connection test passed.' : 'Connection test found problems.'
    return await respond(request, reply, 'meta', (
      <div data-announce={summary}>
        <h3>{summary}</h3>
        <DataTable
          caption='Connection test results'
          columns={['Check', 'Result', 'Detail', 'What to do']}
          rows={result.checks.map((c) => (
            <tr key={c.check}>
              <td>{c.check}</td>
              <td>{c.ok ? <Badge tone='ok'>passed</Badge> : <Badge tone='bad'>failed</Badge>}</td>
              <td>{c.error?.message ?? c.detail ?? (c.count === undefined ? '' : `${c.count} read`)}</td>
              <td>{c.fix ?? ''}</td>
            </tr>
          ))}
        />
      </div>
    ))
  })

  app.post('/ui/tenants/:tenantId/sync', async (request, reply) => {
    const { tenant } = await tenantPage(rt, request)
    if (rt.sync === undefined) return await respond(request, reply, 'sync', <Notice tone='bad'>The sync is not available in this process.</Notice>, 503)
    const outcome = await rt.sync.start(tenant.id, 'manual')
    if ('running' in outcome) {
      return await respond(request, reply, 'sync', <Notice tone='bad' announce='A sync of this tenant is already running.'>A sync of this tenant is already running.</Notice>, 409)
    }
    await auditConsoleAction(rt.db, { tenantId: tenant.id, ...actorOf(request), action: 'sync_started', outcome: 'applied', detail: { runId: outcome.started.id } })
    return await respond(request, reply, 'sync', <Notice tone='ok' announce='Sync started.'>Sync started (run {outcome.started.id}).</Notice>, 202)
  })
}
