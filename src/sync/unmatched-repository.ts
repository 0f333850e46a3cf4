import { sql, type Kysely } from 'kysely'
import type { DB } from '../db/schema.js'

// The last snapshot's people that no SCIM user claims, and the partners and system users the
// bridge never manages: the console's "Unmatched in Meta" and "Partners and system users" tabs.
// Paged in SQL (the drift report loads the whole snapshot; these lists must not at 100k people).

export async function listUnmatchedPeople (
  db: Kysely<DB>, tenantId: string, q: { limit: number, offset: number, text?: string | undefined }
) {
  let base = db.selectFrom('meta_directory_people').where('tenant_id', '=', tenantId)
    .where('matched_user_id', 'is', null).where('kind', 'in', ['member', 'invite'])
  if (q.text !== undefined && q.text !== '') {
    const prefix = q.text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)
    base = base.where(sql<boolean>`lower(email) like ${`${prefix}%`}`)
  }
  const count = await base.select((eb) => eb.fn.countAll<string | number>().as('n')).executeTakeFirstOrThrow()
  const rows = await base.select(['kind', 'meta_id', 'email', 'name', 'role', 'invite_status', 'work_account', 'invited_at'])
    .orderBy(sql`lower(email)`).orderBy('meta_id').limit(q.limit).offset(q.offset).execute()
  return { rows, total: Number(count.n) }
}

export async function listPartnersAndSystemUsers (
  db: Kysely<DB>, tenantId: string, q: { limit: number, offset: number }
) {
  const systemUsers = await db.selectFrom('meta_directory_people').select(['meta_id', 'name', 'role'])
    .where('tenant_id', '=', tenantId).where('kind', '=', 'system_user').orderBy('name').orderBy('meta_id')
    .limit(q.limit).offset(q.offset).execute()
  const partners = await db.selectFrom('meta_directory_partners').select(['kind', 'meta_id', 'name'])
    .where('tenant_id', '=', tenantId).orderBy('name').orderBy('meta_id').limit(q.limit).offset(q.offset).execute()
  return { systemUsers, partners }
}
