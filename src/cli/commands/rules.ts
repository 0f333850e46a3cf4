import { readFile } from 'node:fs/promises'
import type { CommandGroup } from '../command.js'
import { usageError } from '../exit-codes.js'
import { table } from '../output.js'
import { arg, resolveTenant } from '../resolve.js'

interface Rule {
  group: string,
  role: string | null,
  priority: number,
  assets: Array<{ assetType: string, assetId: string, tasks: string[] }>
}
interface Rules { items: Rule[], total: number, changed_groups?: string[] }

const render = (r: Rules): string => table(['priority', 'group', 'role', 'assets'], r.items.map((x) => [
  x.priority, x.group, x.role, x.assets.map((a) => `${a.assetType}:${a.assetId}=${a.tasks.join('+')}`).join(' ')
]))

export const rulesGroup: CommandGroup = {
  name: 'rules',
  summary: 'access rules (IdP group → Meta role and asset tasks): show, set from a JSON file',
  defaultCommand: 'show',
  commands: [
    {
      name: 'show',
      usage: '<tenant>',
      summary: 'list the rules by priority',
      run: async ({ api, out, args }) => {
        const id = await resolveTenant(api(), arg(args, 0, 'tenant'))
        const rules = await api().get<Rules>(`/tenants/${id}/access-rules`)
        out.result(rules, () => render(rules))
      }
    },
    {
      name: 'set',
      usage: '<tenant> --file <rules.json>',
      summary: 'replace every rule with the file\'s (a JSON array, as in docs/provisioning.md)',
      options: { file: { type: 'string' } },
      run: async ({ api, out, args, options }) => {
        const file = options.file
        if (typeof file !== 'string' || file === '') throw usageError('missing --file')
        let rules: unknown
        try {
          rules = JSON.parse(await readFile(file, 'utf8'))
        } catch (err) {
          throw usageError(`cannot read ${file}: ${err instanceof Error ? err.message : String(err)}`)
        }
        const id = await resolveTenant(api(), arg(args, 0, 'tenant'))
        const saved = await api().put<Rules>(`/tenants/${id}/access-rules`, { rules })
        out.result(saved, () => `changed groups: ${saved.changed_groups?.join(', ') ?? ''}\n${render(saved)}`)
      }
    }
  ]
}
