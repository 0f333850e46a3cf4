import type { ApiClient } from './api-client.js'
import { CliError, EXIT, usageError } from './exit-codes.js'

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

interface TenantItem { id: string, name: string }
interface TenantPage { items: TenantItem[], next_offset?: number }

/** The positional argument at `index`, or a usage error naming it. */
export function arg (args: string[], index: number, name: string): string {
  const value = args[index]
  if (value === undefined || value === '') throw usageError(`missing <${name}>`)
  return value
}

/** A tenant given by id or by name (names are unique whatever the case). */
export async function resolveTenant (api: ApiClient, given: string): Promise<string> {
  if (UUID.test(given)) return given
  let offset: number | undefined = 0
  while (offset !== undefined) {
    const page: TenantPage = await api.get<TenantPage>(`/tenants?limit=500&offset=${offset}`)
    const found = page.items.find((t) => t.name.toLowerCase() === given.toLowerCase())
    if (found) return found.id
    offset = page.next_offset
  }
  throw new CliError(EXIT.notFound, `no tenant named "${given}"`)
}
