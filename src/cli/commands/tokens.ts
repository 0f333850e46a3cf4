import type { CommandGroup } from '../command.js'
import { usageError } from '../exit-codes.js'
import { keyValues, table } from '../output.js'
import { arg, resolveTenant } from '../resolve.js'

interface TokenInfo {
  id: string, label: string, prefix: string, created_at: string, last_used_at: string | null, revoked_at: string | null
}

export const tokensGroup: CommandGroup = {
  name: 'tokens',
  summary: 'SCIM bearer tokens of a tenant: list, create (secret shown once), revoke',
  commands: [
    {
      name: 'list',
      usage: '<tenant>',
      summary: 'list the tenant\'s SCIM tokens (never their secrets)',
      run: async ({ api, out, args }) => {
        const id = await resolveTenant(api(), arg(args, 0, 'tenant'))
        const page = await api().get<{ items: TokenInfo[], total: number }>(`/tenants/${id}/scim-tokens`)
        out.result(page, () => table(['id', 'label', 'prefix', 'created', 'last used', 'revoked'],
          page.items.map((t) => [t.id, t.label, t.prefix, t.created_at, t.last_used_at, t.revoked_at])))
      }
    },
    {
      name: 'create',
      usage: '<tenant> --label <label>',
      summary: 'create a SCIM token; its secret is printed once',
      options: { label: { type: 'string' } },
      run: async ({ api, out, args, options }) => {
        const label = options.label
        if (typeof label !== 'string' || label.trim() === '') throw usageError('missing --label')
        const id = await resolveTenant(api(), arg(args, 0, 'tenant'))
        const created = await api().post<TokenInfo & { token: string }>(`/tenants/${id}/scim-tokens`, { label })
        out.result(created, () => [
          keyValues([['id', created.id], ['label', created.label], ['prefix', created.prefix]]),
          '',
          'Bearer token (shown once; store it in your IdP now):',
          created.token
        ].join('\n'))
      }
    },
    {
      name: 'revoke',
      usage: '<tenant> <token-id>',
      summary: 'revoke a SCIM token',
      run: async ({ api, out, args }) => {
        const id = await resolveTenant(api(), arg(args, 0, 'tenant'))
        const tokenId = arg(args, 1, 'token-id')
        await api().delete(`/tenants/${id}/scim-tokens/${encodeURIComponent(tokenId)}`)
        out.result({ revoked: tokenId }, () => `revoked token ${tokenId}`)
      }
    }
  ]
}
