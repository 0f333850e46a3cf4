import type { CommandGroup } from '../command.js'
import { usageError } from '../exit-codes.js'
import { table, type Cell } from '../output.js'
import { arg, resolveTenant } from '../resolve.js'

type Row = Record<string, unknown>
interface Drift {
  snapshot: { run_id: string, taken_at: string }
  counts: Record<string, number>
  unmanaged: Row[]
  missing: Row[]
  not_entitled: Row[]
  role_differences: Row[]
  asset_differences: Row[]
  stale_invites: Row[]
  partners: Row[]
  system_users: Row[]
}

const cell = (v: unknown): Cell => (Array.isArray(v) ? v.join(',') : typeof v === 'object' && v !== null ? JSON.stringify(v) : v as Cell)

function section (title: string, rows: Row[], columns: string[]): string {
  return `${title} (${rows.length})\n${table(columns, rows.map((r) => columns.map((c) => cell(r[c]))))}`
}

function render (d: Drift): string {
  return [
    `drift from sync ${d.snapshot.run_id} taken ${d.snapshot.taken_at}`,
    section('Unmanaged (in the business, unknown to the IdP)', d.unmanaged, ['kind', 'meta_id', 'email', 'role', 'work_account']),
    section('Missing (entitled, not in the business)', d.missing, ['user_id', 'user_name', 'desired_role']),
    section('Not entitled (in the business, entitled to nothing)', d.not_entitled, ['user_name', 'meta_id', 'state']),
    section('Role differences', d.role_differences, ['user_name', 'meta_id', 'desired', 'observed']),
    section('Asset task differences', d.asset_differences, ['user_name', 'asset_type', 'asset_id', 'desired', 'observed']),
    section('Stale invites', d.stale_invites, ['meta_id', 'email', 'status', 'age_days', 'expires_at']),
    section('Partners (read-only)', d.partners, ['kind', 'meta_id', 'name']),
    section('System users (read-only)', d.system_users, ['meta_id', 'name', 'role'])
  ].join('\n\n')
}

export const driftGroup: CommandGroup = {
  name: 'drift',
  summary: 'what differs between the IdP and the Meta business (from the last sync)',
  defaultCommand: 'show',
  commands: [
    {
      name: 'show',
      usage: '<tenant> [--invite-age-days <n>]',
      summary: 'show the drift report',
      options: { 'invite-age-days': { type: 'string' } },
      run: async ({ api, out, args, options }) => {
        const days = options['invite-age-days'] === undefined ? 14 : Number(options['invite-age-days'])
        if (!Number.isInteger(days) || days < 0) throw usageError('--invite-age-days must be a whole number of days')
        const id = await resolveTenant(api(), arg(args, 0, 'tenant'))
        const drift = await api().get<Drift>(`/tenants/${id}/drift?invite_age_days=${days}`)
        out.result(drift, () => render(drift))
      }
    }
  ]
}
