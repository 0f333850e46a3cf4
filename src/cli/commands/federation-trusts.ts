import type { CommandGroup, OptionValues } from '../command.js'
import { usageError } from '../exit-codes.js'
import { keyValues, table } from '../output.js'
import { arg, resolveTenant } from '../resolve.js'

interface TrustInfo {
  id: string,
  client_id: string,
  label: string,
  issuer: string,
  jwks_uri: string,
  subject: string,
  audiences: string[],
  last_used_at: string | null,
  revoked_at: string | null
}

const FIELDS = { label: 'label', issuer: 'issuer', 'jwks-uri': 'jwks_uri', subject: 'subject' } as const

/** The trust fields given as options; `--audiences` is comma-separated. */
function trustBody (options: OptionValues): Record<string, unknown> {
  const body: Record<string, unknown> = {}
  for (const [option, key] of Object.entries(FIELDS)) {
    const v = options[option]
    if (typeof v === 'string') body[key] = v
  }
  if (typeof options.audiences === 'string') {
    body.audiences = options.audiences.split(',').map((a) => a.trim()).filter(Boolean)
  }
  return body
}

const trustOptions = {
  label: { type: 'string' },
  issuer: { type: 'string' },
  'jwks-uri': { type: 'string' },
  subject: { type: 'string' },
  audiences: { type: 'string' }
} as const

const render = (t: TrustInfo): string => keyValues([
  ['id', t.id], ['client id', t.client_id], ['label', t.label], ['issuer', t.issuer], ['jwks uri', t.jwks_uri],
  ['subject', t.subject], ['audiences', t.audiences.join(', ')], ['revoked', t.revoked_at]
])

export const federationTrustsGroup: CommandGroup = {
  name: 'federation-trusts',
  summary: 'Entra workload identity federation trusts of a tenant: list, create, update (rotate), revoke',
  commands: [
    {
      name: 'list',
      usage: '<tenant>',
      summary: 'the tenant\'s federation trusts',
      run: async ({ api, out, args }) => {
        const id = await resolveTenant(api(), arg(args, 0, 'tenant'))
        const page = await api().get<{ items: TrustInfo[], total: number }>(`/tenants/${id}/federation-trusts`)
        out.result(page, () => table(['id', 'client id', 'label', 'subject', 'last used', 'revoked'],
          page.items.map((t) => [t.id, t.client_id, t.label, t.subject, t.last_used_at, t.revoked_at])))
      }
    },
    {
      name: 'create',
      usage: '<tenant> --label <l> --issuer <iss> --jwks-uri <url> --subject <sub> --audiences <aud,…>',
      summary: 'trust the workload identity Entra shows; prints the Client Identifier to paste back into Entra',
      options: trustOptions,
      run: async ({ api, out, args, options }) => {
        const body = trustBody(options)
        for (const required of ['label', 'issuer', 'jwks_uri', 'subject', 'audiences']) {
          if (body[required] === undefined) throw usageError(`missing --${required.replace('_', '-')}`)
        }
        const id = await resolveTenant(api(), arg(args, 0, 'tenant'))
        const created = await api().post<TrustInfo>(`/tenants/${id}/federation-trusts`, body)
        out.result(created, () => render(created))
      }
    },
    {
      name: 'update',
      usage: '<tenant> <trust-id> [--issuer …] [--jwks-uri …] [--subject …] [--audiences …] [--label …]',
      summary: 'rotate to new trust values; access tokens issued under the old ones end',
      options: trustOptions,
      run: async ({ api, out, args, options }) => {
        const body = trustBody(options)
        if (Object.keys(body).length === 0) throw usageError('nothing to change')
        const id = await resolveTenant(api(), arg(args, 0, 'tenant'))
        const trust = arg(args, 1, 'trust-id')
        const path = `/tenants/${id}/federation-trusts/${encodeURIComponent(trust)}`
        const updated = await api().patch<TrustInfo>(path, body)
        out.result(updated, () => render(updated))
      }
    },
    {
      name: 'revoke',
      usage: '<tenant> <trust-id>',
      summary: 'revoke a trust and its live access tokens',
      run: async ({ api, out, args }) => {
        const id = await resolveTenant(api(), arg(args, 0, 'tenant'))
        const trust = arg(args, 1, 'trust-id')
        await api().delete(`/tenants/${id}/federation-trusts/${encodeURIComponent(trust)}`)
        out.result({ revoked: trust }, () => `revoked federation trust ${trust}`)
      }
    }
  ]
}
