// The semantic action of a SCIM request, for people reading the log: "create user",
// "add 3 members to group Ads", "deactivate user", "filter by userName". Derived from the route
// pattern, method, filter and body the way RFC 7644 §3 defines the operations; never throws.

export interface RequestFacts {
  method: string
  /** The matched route pattern below the SCIM prefix (`/Users/:id`); undefined when none matched. */
  route: string | undefined
  id: string | undefined
  filter: string | undefined
  body: unknown
}

export interface DescribedAction {
  /** A short, fixed vocabulary for filtering (`create_user`, `add_members`, …). */
  action: string
  /**
   * The sentence shown to admins; `{target}` stands for the target's name, filled in when the
   * batch is written (a group PATCH carries only the group's id).
   */
  summary: string
  targetType: 'User' | 'Group' | undefined
  targetName: string | undefined
}

export const TARGET = '{target}'

type Json = Record<string, unknown>
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v)
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined)

/** `false`, `"False"`, `"false"` (Entra sends booleans as strings, idp-behaviour §C). */
function boolOf (v: unknown): boolean | undefined {
  if (typeof v === 'boolean') return v
  if (typeof v === 'string' && /^(true|false)$/i.test(v)) return v.toLowerCase() === 'true'
  return undefined
}

/** Attribute names a filter compares (RFC 7644 §3.4.2.2), URN prefixes dropped. */
export function filterAttributes (filter: string): string[] {
  const names = new Set<string>()
  // Strings and value filters out first: `emails[type eq "work"].value eq "a"` compares emails.value.
  const bare = filter.replace(/"(?:[^"\\]|\\.)*"/g, '""').replace(/\[[^\]]*\]/g, '')
  for (const m of bare.matchAll(/([A-Za-z][\w.:$-]*)\s+(?:eq|ne|co|sw|ew|gt|ge|lt|le|pr)\b/gi)) {
    const name = m[1] ?? ''
    names.add(name.slice(name.lastIndexOf(':') + 1))
  }
  return [...names]
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`

function operationsOf (body: unknown): Json[] {
  if (!isObject(body)) return []
  const ops = body.Operations ?? body.operations
  return Array.isArray(ops) ? ops.filter(isObject) : []
}

function activeSetBy (ops: Json[]): boolean | undefined {
  let active: boolean | undefined
  for (const op of ops) {
    const path = str(op.path)?.toLowerCase()
    if (path === 'active') active = boolOf(op.value) ?? active
    else if (path === undefined && isObject(op.value) && 'active' in op.value) {
      active = boolOf(op.value.active) ?? active
    }
  }
  return active
}

function describeUserPatch (ops: Json[]): Pick<DescribedAction, 'action' | 'summary'> {
  const active = activeSetBy(ops)
  if (active === false) return { action: 'deactivate_user', summary: `deactivate user ${TARGET}` }
  if (active === true && ops.length === 1) return { action: 'reactivate_user', summary: `reactivate user ${TARGET}` }
  const paths = new Set<string>()
  for (const op of ops) {
    const path = str(op.path)
    if (path !== undefined) paths.add(path.slice(path.lastIndexOf(':') + 1).replace(/\[.*$/, ''))
    else if (isObject(op.value)) for (const key of Object.keys(op.value)) paths.add(key.slice(key.lastIndexOf(':') + 1))
  }
  const what = paths.size === 0 ? '' : `: ${[...paths].slice(0, 5).join(', ')}${paths.size > 5 ? ', …' : ''}`
  return { action: 'update_user', summary: `update user ${TARGET}${what}` }
}

function memberCount (value: unknown): number {
  if (Array.isArray(value)) return value.length
  return isObject(value) ? 1 : 0
}

function describeGroupPatch (ops: Json[]): Pick<DescribedAction, 'action' | 'summary'> {
  let added = 0
  let removed = 0
  let removedAll = false
  let replacedMembers: number | undefined
  let renamedTo: string | undefined
  let other = 0
  for (const op of ops) {
    const kind = str(op.op)?.toLowerCase()
    const path = str(op.path)?.toLowerCase()
    if (path?.startsWith('members') === true) {
      if (kind === 'add') added += memberCount(op.value)
      else if (kind === 'remove') {
        // `members[value eq "id"]` names one member; `members` with a value lists them (Entra);
        // bare `members` removes them all (RFC 7644 §3.5.2.2).
        if (path.startsWith('members[')) removed += 1
        else if (op.value === undefined) removedAll = true
        else removed += memberCount(op.value)
      } else if (kind === 'replace') replacedMembers = memberCount(op.value)
      else other += 1
    } else if (path === 'displayname') renamedTo = str(op.value)
    else if (path === undefined && isObject(op.value)) {
      if (Array.isArray(op.value.members)) {
        if (kind === 'add') added += op.value.members.length
        else replacedMembers = op.value.members.length
      }
      renamedTo = str(op.value.displayName) ?? renamedTo
    } else other += 1
  }
  const parts: string[] = []
  if (added > 0) parts.push(`add ${plural(added, 'member')} to group ${TARGET}`)
  if (removed > 0) parts.push(`remove ${plural(removed, 'member')} from group ${TARGET}`)
  if (removedAll) parts.push(`remove all members from group ${TARGET}`)
  if (replacedMembers !== undefined) parts.push(`set ${plural(replacedMembers, 'member')} of group ${TARGET}`)
  if (renamedTo !== undefined) parts.push(`rename group ${TARGET} to ${renamedTo}`)
  if (other > 0 || parts.length === 0) parts.push(`update group ${TARGET}`)
  const nothingElse = replacedMembers === undefined && renamedTo === undefined && other === 0
  const onlyAdds = added > 0 && removed === 0 && !removedAll && nothingElse
  const onlyRemoves = added === 0 && (removed > 0 || removedAll) && nothingElse
  const onlyRename = renamedTo !== undefined && parts.length === 1
  const action = onlyAdds
    ? 'add_members'
    : onlyRemoves ? 'remove_members' : onlyRename ? 'rename_group' : 'update_group'
  return { action, summary: parts.join('; ') }
}

type Described = Pick<DescribedAction, 'action' | 'summary'>

function describeList (noun: 'users' | 'groups', filter: string | undefined): Described {
  if (filter === undefined || filter.trim() === '') return { action: `list_${noun}`, summary: `list ${noun}` }
  const names = filterAttributes(filter)
  const by = names.length === 0 ? 'a filter' : names.join(', ')
  return { action: `filter_${noun}`, summary: `filter ${noun} by ${by}` }
}

/** What a SCIM request did, in words and as a filterable action name. */
export function describeRequest (facts: RequestFacts): DescribedAction {
  const method = facts.method.toUpperCase()
  const route = facts.route ?? ''
  const resource = /^\/(Users|Groups)(\/:id|\/\.search)?\/?$/i.exec(route)
  const body = isObject(facts.body) ? facts.body : undefined
  if (resource !== null) {
    const isUser = resource[1]?.toLowerCase() === 'users'
    const noun = isUser ? 'user' : 'group'
    const targetType = isUser ? 'User' as const : 'Group' as const
    const name = isUser ? str(body?.userName) : str(body?.displayName)
    const byId = resource[2] === '/:id'
    const base = { targetType, targetName: name }
    if (resource[2] === '/.search') {
      const listed = describeList(isUser ? 'users' : 'groups', str(body?.filter))
      return { ...base, targetName: undefined, ...listed, action: `filter_${noun}s` }
    }
    if (!byId && method === 'GET') return { ...base, ...describeList(isUser ? 'users' : 'groups', facts.filter) }
    if (!byId && method === 'POST') {
      const count = !isUser && Array.isArray(body?.members) ? body.members.length : 0
      const members = count > 0 ? ` with ${plural(count, 'member')}` : ''
      const inactive = isUser && boolOf(body?.active) === false ? ' (inactive)' : ''
      return { ...base, action: `create_${noun}`, summary: `create ${noun} ${TARGET}${members}${inactive}` }
    }
    if (byId && method === 'GET') return { ...base, action: `get_${noun}`, summary: `read ${noun} ${TARGET}` }
    if (byId && method === 'DELETE') return { ...base, action: `delete_${noun}`, summary: `delete ${noun} ${TARGET}` }
    if (byId && method === 'PUT') {
      if (isUser && boolOf(body?.active) === false) {
        return { ...base, action: 'deactivate_user', summary: `deactivate user ${TARGET} (replace)` }
      }
      const members = !isUser && Array.isArray(body?.members) ? ` with ${plural(body.members.length, 'member')}` : ''
      return { ...base, action: `replace_${noun}`, summary: `replace ${noun} ${TARGET}${members}` }
    }
    if (byId && method === 'PATCH') {
      const ops = operationsOf(facts.body)
      return { ...base, targetName: undefined, ...(isUser ? describeUserPatch(ops) : describeGroupPatch(ops)) }
    }
  }
  const untargeted = { targetType: undefined, targetName: undefined }
  if (/^\/\.search\/?$/.test(route)) {
    const by = filterAttributes(str(body?.filter) ?? '').join(', ') || 'a filter'
    return { ...untargeted, action: 'search', summary: `search by ${by}` }
  }
  const discovery = /^\/(ServiceProviderConfig|ResourceTypes|Schemas)/i.exec(route)
  if (discovery?.[1] !== undefined && method === 'GET') {
    return { ...untargeted, action: 'discovery', summary: `read ${discovery[1]}` }
  }
  return { ...untargeted, action: 'other', summary: `${method} ${route === '' ? 'unknown path' : route}` }
}
