import type { CommandGroup } from './command.js'

export function usageText (groups: readonly CommandGroup[]): string {
  const lines = [
    'usage: scim-meta-bridge [--url <url>] [--token <token>] [--json] <group> <command> [arguments]',
    '',
    'Talks to the admin API of a running scim-meta-bridge service.',
    '  --url     service base URL (or SCIM_META_BRIDGE_URL), e.g. http://127.0.0.1:8080',
    '  --token   admin token (or SCIM_META_BRIDGE_ADMIN_TOKEN)',
    '  --json    print results as JSON for scripts',
    '',
    'A <tenant> is its id or its name.',
    ''
  ]
  for (const g of groups) {
    lines.push(`${g.name}: ${g.summary}`)
    for (const c of g.commands) {
      const name = g.defaultCommand === c.name ? `${g.name} [${c.name}]` : `${g.name} ${c.name}`
      lines.push(`  ${`${name} ${c.usage}`.trimEnd().padEnd(56)} ${c.summary}`)
    }
    lines.push('')
  }
  lines.push('exit codes: 0 ok, 1 failed, 2 usage, 3 auth, 4 not found, 5 cannot reach the service (docs/cli.md)')
  return lines.join('\n')
}
