import type { CommandGroup } from '../command.js'
import { usageError } from '../exit-codes.js'
import { keyValues, table } from '../output.js'
import { arg, resolveTenant } from '../resolve.js'

interface Tenant { id: string, name: string, created_at: string, updated_at: string }
interface TenantPage { items: Tenant[], total: number, next_offset?: number }

const detail = (t: Tenant): string => keyValues([['id', t.id], ['name', t.name], ['created', t.created_at], ['updated', t.updated_at]])

export const tenantsGroup: CommandGroup = {
  name: 'tenants',
  summary: 'list, create, show, rename and delete tenants',
  commands: [
    {
      name: 'list',
      usage: '',
      summary: 'list every tenant',
      run: async ({ api, out }) => {
        const items: Tenant[] = []
        let offset: number | undefined = 0
        while (offset !== undefined) {
          const page: TenantPage = await api().get<TenantPage>(`/tenants?limit=500&offset=${offset}`)
          items.push(...page.items)
          offset = page.next_offset
        }
        out.result({ items, total: items.length }, () => table(['id', 'name', 'created'], items.map((t) => [t.id, t.name, t.created_at])))
      }
    },
    {
      name: 'create',
      usage: '<name>',
      summary: 'create a tenant',
      run: async ({ api, out, args }) => {
        const created = await api().post<Tenant>('/tenants', { name: arg(args, 0, 'name') })
        out.result(created, () => `created tenant\n${detail(created)}`)
      }
    },
    {
      name: 'show',
      usage: '<tenant>',
      summary: 'show one tenant (by id or name)',
      run: async ({ api, out, args }) => {
        const id = await resolveTenant(api(), arg(args, 0, 'tenant'))
        const tenant = await api().get<Tenant>(`/tenants/${id}`)
        out.result(tenant, () => detail(tenant))
      }
    },
    {
      name: 'rename',
      usage: '<tenant> <new-name>',
      summary: 'rename a tenant',
      run: async ({ api, out, args }) => {
        const id = await resolveTenant(api(), arg(args, 0, 'tenant'))
        const renamed = await api().patch<Tenant>(`/tenants/${id}`, { name: arg(args, 1, 'new-name') })
        out.result(renamed, () => `renamed tenant\n${detail(renamed)}`)
      }
    },
    {
      name: 'delete',
      usage: '<tenant> --yes',
      summary: 'delete a tenant with all its users, groups, tokens and sync data',
      options: { yes: { type: 'boolean' } },
      run: async ({ api, out, args, options }) => {
        const given = arg(args, 0, 'tenant')
        if (options.yes !== true) throw usageError(`deleting "${given}" removes all its data: add --yes to confirm`)
        const id = await resolveTenant(api(), given)
        await api().delete(`/tenants/${id}`)
        out.result({ deleted: id }, () => `deleted tenant ${id}`)
      }
    }
  ]
}
