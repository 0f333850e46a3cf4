import type { CommandGroup, OptionValues } from '../command.js'
import { usageError } from '../exit-codes.js'
import { keyValues, table } from '../output.js'
import { arg, resolveTenant } from '../resolve.js'

interface SecretInfo {
  id: string,
  prefix: string,
  created_at: string,
  expires_at: string,
  last_used_at: string | null,
  revoked_at: string | null
}
interface ClientInfo {
  id: string, client_id: string, label: string, created_at: string, revoked_at: string | null, secrets: SecretInfo[]
}
interface CreatedSecret { id: string, prefix: string, expires_at: string, secret: string }

function lifetimeDays (options: OptionValues): { lifetime_days?: number } {
  const v = options['lifetime-days']
  if (v === undefined) return {}
  if (typeof v !== 'string' || !/^\d+$/.test(v)) {
    throw usageError('--lifetime-days must be a whole number of days (365 to 1095)')
  }
  return { lifetime_days: Number(v) }
}

const NO_SECRET = { prefix: '', expires_at: '', last_used_at: null, revoked_at: null }

const secretLines = (s: CreatedSecret): string[] => [
  keyValues([['secret id', s.id], ['prefix', s.prefix], ['expires', s.expires_at]]),
  '',
  'Client secret (shown once; paste it into the IdP now):',
  s.secret
]

export const oauthClientsGroup: CommandGroup = {
  name: 'oauth-clients',
  summary: 'OAuth clients of a tenant (client credentials grant): list, create, rotate, revoke',
  commands: [
    {
      name: 'list',
      usage: '<tenant>',
      summary: 'the tenant\'s OAuth clients and their secrets (never the secrets themselves)',
      run: async ({ api, out, args }) => {
        const id = await resolveTenant(api(), arg(args, 0, 'tenant'))
        const page = await api().get<{ items: ClientInfo[], total: number }>(`/tenants/${id}/oauth-clients`)
        out.result(page, () => table(['id', 'client id', 'label', 'secret', 'expires', 'last used', 'revoked'],
          page.items.flatMap((c) => (c.secrets.length === 0 ? [NO_SECRET] : c.secrets)
            .map((s) => [c.id, c.client_id, c.label, s.prefix, s.expires_at, s.last_used_at,
              c.revoked_at ?? s.revoked_at]))))
      }
    },
    {
      name: 'create',
      usage: '<tenant> --label <label> [--lifetime-days <n>]',
      summary: 'create a client; its first secret is printed once (lifetime 365 to 1095 days, default 365)',
      options: { label: { type: 'string' }, 'lifetime-days': { type: 'string' } },
      run: async ({ api, out, args, options }) => {
        const label = options.label
        if (typeof label !== 'string' || label.trim() === '') throw usageError('missing --label')
        const { lifetime_days: days } = lifetimeDays(options)
        const id = await resolveTenant(api(), arg(args, 0, 'tenant'))
        const created = await api().post<ClientInfo & { client_secret: CreatedSecret }>(`/tenants/${id}/oauth-clients`,
          { label, ...(days === undefined ? {} : { secret_lifetime_days: days }) })
        out.result(created, () => [
          keyValues([['id', created.id], ['client id', created.client_id], ['label', created.label]]),
          ...secretLines(created.client_secret)
        ].join('\n'))
      }
    },
    {
      name: 'rotate',
      usage: '<tenant> <client> [--lifetime-days <n>]',
      summary: 'add a secret to a client (printed once); the older ones work until revoked or expired',
      options: { 'lifetime-days': { type: 'string' } },
      run: async ({ api, out, args, options }) => {
        const id = await resolveTenant(api(), arg(args, 0, 'tenant'))
        const client = arg(args, 1, 'client')
        const path = `/tenants/${id}/oauth-clients/${encodeURIComponent(client)}/secrets`
        const created = await api().post<CreatedSecret>(path, lifetimeDays(options))
        out.result(created, () => secretLines(created).join('\n'))
      }
    },
    {
      name: 'revoke-secret',
      usage: '<tenant> <client> <secret-id>',
      summary: 'revoke one secret and the access tokens issued with it',
      run: async ({ api, out, args }) => {
        const id = await resolveTenant(api(), arg(args, 0, 'tenant'))
        const client = encodeURIComponent(arg(args, 1, 'client'))
        const secret = arg(args, 2, 'secret-id')
        await api().delete(`/tenants/${id}/oauth-clients/${client}/secrets/${encodeURIComponent(secret)}`)
        out.result({ revoked: secret }, () => `revoked secret ${secret}`)
      }
    },
    {
      name: 'revoke',
      usage: '<tenant> <client>',
      summary: 'revoke a client, its secrets and its live access tokens',
      run: async ({ api, out, args }) => {
        const id = await resolveTenant(api(), arg(args, 0, 'tenant'))
        const client = arg(args, 1, 'client')
        await api().delete(`/tenants/${id}/oauth-clients/${encodeURIComponent(client)}`)
        out.result({ revoked: client }, () => `revoked OAuth client ${client}`)
      }
    },
    {
      name: 'first-token',
      usage: '<tenant> <client>',
      summary: 'mint an access token to seed an Entra job configured through Microsoft Graph (printed once)',
      run: async ({ api, out, args }) => {
        const id = await resolveTenant(api(), arg(args, 0, 'tenant'))
        const client = encodeURIComponent(arg(args, 1, 'client'))
        const token = await api().post<{ access_token: string, expires_in: number, created_at: string }>(
          `/tenants/${id}/oauth-clients/${client}/access-tokens`)
        out.result(token, () => [
          keyValues([['expires in', `${token.expires_in} s`], ['created', token.created_at]]),
          '',
          'Access token (shown once; Oauth2AccessToken in the Graph synchronization secrets):',
          token.access_token
        ].join('\n'))
      }
    }
  ]
}
