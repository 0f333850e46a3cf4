import type { SimAssetType } from '../vocabulary.js'
import type { SimulatorSettings } from '../settings.js'

/**
 * What Meta reads back for the tasks it was given: `assigned_users.tasks` is documented as "all
 * unpacked roles/tasks" (Marketing API reference, ad account assigned_users), and real answers
 * carry more than was posted (an ad account's ADVERTISE, ANALYZE reads back with DRAFT). The
 * store keeps what was posted; reads add what `settings.taskExpansion` says each task unpacks
 * to, transitively.
 */
export function expandTasks (settings: SimulatorSettings, type: SimAssetType, given: readonly string[]): string[] {
  const table = settings.taskExpansion[type] ?? {}
  const out = new Set(given)
  const queue = [...given]
  for (let task = queue.shift(); task !== undefined; task = queue.shift()) {
    for (const added of table[task] ?? []) {
      if (out.has(added)) continue
      out.add(added)
      queue.push(added)
    }
  }
  // Meta lists what it added ahead of what it was given (e.g. DRAFT, ANALYZE, ADVERTISE).
  return [...[...out].filter(t => !given.includes(t)), ...given]
}

/**
 * How an open invitation's `status` reads: `BusinessRoleRequest.status` has no documented values
 * ("such as accepted, declined, expired and so on"), so open invitations cycle through the
 * spellings the setting lists, chosen by id so one invitation always reads the same.
 */
export function openStatusSpelling (settings: SimulatorSettings, id: string, fallback: string): string {
  const spellings = settings.openInviteStatuses
  if (spellings.length === 0) return fallback
  const n = /^\d+$/.test(id) ? Number(BigInt(id) % BigInt(spellings.length)) : 0
  return spellings[n] ?? fallback
}
