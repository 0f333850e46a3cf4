import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { ComponentChildren } from 'preact'
import { AdminError } from '../../admin/admin-errors.js'
import { ruleView, saveAccessRules } from '../../admin/access-rules-routes.js'
import { listAccessRules } from '../../tenants/access-rules-repository.js'
import { actorOf, sendHtml, type ConsoleRuntime } from '../context.js'
import { auditConsoleAction } from '../session/events.js'
import { CsrfField, DataTable, Notice } from '../views/components.js'
import { Document, may, renderPage } from '../views/layout.js'
import { field, formOf, tenantPage } from './tenant.js'

/** Access rules: the current rules as a table and as JSON to edit, checked against the business's assets on save. */
export async function accessRulesPage (app: FastifyInstance, rt: ConsoleRuntime): Promise<void> {
  const show = async (
    request: FastifyRequest, reply: FastifyReply, flash?: ComponentChildren, draft?: string, status = 200
  ) => {
    const { tenant, ctx, base } = await tenantPage(rt, request)
    const rules = (await listAccessRules(rt.db, tenant.id)).map(ruleView)
    const html = renderPage(
      <Document title={`${tenant.name} access rules`} ctx={ctx} section='access-rules'>
        <h1>Access rules of {tenant.name}</h1>
        {flash}
        <DataTable
          caption='IdP group to Meta business role and asset tasks'
          columns={['Group', 'Role', 'Priority', 'Assets']}
          empty='No rules: everyone gets the tenant default role.'
          rows={rules.map((r) => (
            <tr key={r.group}>
              <th scope='row'>{r.group}</th>
              <td>{r.role ?? '–'}</td>
              <td>{r.priority}</td>
              <td>{r.assets.map((a) => `${a.assetType} ${a.assetId}: ${a.tasks.join(', ')}`).join('; ') || '–'}</td>
            </tr>
          ))}
        />
        {may(ctx, 'admin') && (
          <>
            <h2 id='edit-heading'>Edit</h2>
            <form method='post' action={`${base}/access-rules`} aria-labelledby='edit-heading'>
              <CsrfField csrf={ctx.csrf} />
              <div class='field'>
                <label for='rules-json'>Rules (JSON list; the same form as the admin API and META_ACCESS_RULES)</label>
                <textarea id='rules-json' name='rules' aria-describedby='rules-help' spellcheck={false}>{draft ?? JSON.stringify(rules, null, 2)}</textarea>
                <p id='rules-help' class='muted'>Each rule: group, role, priority, assets (type, id, tasks). When the tenant is connected and not in dry run, every asset must be one the business can grant.</p>
              </div>
              <p><button type='submit' class='primary'>Save rules</button></p>
            </form>
          </>
        )}
      </Document>
    )
    return await sendHtml(reply, html, status)
  }

  app.get('/ui/tenants/:tenantId/access-rules', async (request, reply) => await show(request, reply))

  app.post('/ui/tenants/:tenantId/access-rules', async (request, reply) => {
    const { tenant } = await tenantPage(rt, request)
    const text = field(formOf(request), 'rules')
    let parsed: unknown
    try {
      parsed = JSON.parse(text)
    } catch (err) {
      return await show(request, reply, <Notice tone='bad'>Not valid JSON: {(err as Error).message}</Notice>, text, 422)
    }
    try {
      const saved = await saveAccessRules(rt.db, rt.provisioning, tenant.id, { rules: parsed })
      await auditConsoleAction(rt.db, {
        tenantId: tenant.id, ...actorOf(request), action: 'access_rules_changed', outcome: 'applied', detail: { changedGroups: saved.changed }
      })
      return await show(request, reply, (
        <Notice tone='ok'>Saved {saved.rules.length} rules; {saved.changed.length} groups changed, their members are being reconciled. Asset check: {saved.assetCheck.status}.</Notice>
      ))
    } catch (err) {
      if (err instanceof AdminError && err.statusCode < 500) return await show(request, reply, <Notice tone='bad'>Not saved: {err.message}</Notice>, text, 422)
      throw err
    }
  })
}
